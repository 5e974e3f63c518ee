package io.flnas.djl.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.ArchitectureBlocks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NaswotScorerTest {
  private static ImageDataset data;

  @BeforeAll
  static void setUp() {
    data = SyntheticLesions.builder().size(300).imageSize(16).seed(5).generate();
  }

  private static Architecture bottleneck() {
    return Architecture.builder(data.input(), 8)
        .name("one_filter")
        .add(Layer.Conv2d.of(1, 3, 1))
        .add(new Layer.Activation(ActivationKind.RELU))
        .add(new Layer.GlobalAvgPool())
        .add(new Layer.Activation(ActivationKind.RELU))
        .add(new Layer.Linear(8, true))
        .build();
  }

  @Test
  void the_same_seed_gives_the_same_score_and_another_seed_another() {
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8);
    NaswotScorer scorer = NaswotScorer.builder(data).batchSize(32).seed(3).build();

    double first = scorer.score(cnn);

    assertThat(first).isFinite();
    assertThat(scorer.score(cnn)).isEqualTo(first);
    assertThat(NaswotScorer.builder(data).batchSize(32).seed(3).build().score(cnn))
        .isEqualTo(first);
    assertThat(NaswotScorer.builder(data).batchSize(32).seed(4).build().score(cnn))
        .isNotEqualTo(first);
  }

  @Test
  void a_normal_small_cnn_scores_higher_than_a_one_filter_bottleneck() {
    NaswotScorer scorer = NaswotScorer.builder(data).batchSize(32).build();

    double cnn = scorer.score(ReferenceArchitectures.smallCnn(data.input(), 8));
    double degenerate = scorer.score(bottleneck());

    assertThat(cnn).isGreaterThan(degenerate + 10);
  }

  @Test
  void a_network_without_activations_has_a_singular_kernel() {
    Architecture linear =
        Architecture.builder(data.input(), 8)
            .add(new Layer.Flatten())
            .add(new Layer.Linear(8, true))
            .build();

    assertThat(NaswotScorer.builder(data).batchSize(16).build().score(linear))
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void the_walk_gives_the_block_output_and_sees_activations_inside_residual_bodies() {
    Architecture residual =
        Architecture.builder(data.input(), 8)
            .add(Layer.Conv2d.of(8, 3, 1))
            .add(new Layer.Activation(ActivationKind.RELU))
            .add(
                Layer.Residual.identity(
                    List.of(
                        Layer.Conv2d.of(8, 3, 1),
                        Layer.Norm.of(NormKind.BATCH),
                        new Layer.Activation(ActivationKind.RELU),
                        Layer.Conv2d.of(8, 3, 1))))
            .add(
                Layer.Residual.projection(
                    List.of(Layer.Conv2d.of(16, 3, 2), new Layer.Activation(ActivationKind.GELU))))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(8, true))
            .build();
    Block block = ArchitectureBlocks.toBlock(residual);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Shape shape = new Shape(4, 3, 16, 16);
      block.initialize(manager, DataType.FLOAT32, shape);
      NDArray input = manager.randomUniform(0, 1, shape);
      ParameterStore store = new ParameterStore(manager, false);
      List<Shape> seen = new ArrayList<>();

      NDArray walked =
          ActivationWalk.run(residual, block, input, store, a -> seen.add(a.getShape()));
      NDArray whole = block.forward(store, new NDList(input), false).singletonOrThrow();

      assertThat(walked.getShape()).isEqualTo(whole.getShape());
      assertThat(walked.sub(whole).abs().max().getFloat()).isLessThan(1e-5f);
      assertThat(seen)
          .containsExactly(
              new Shape(4, 8, 16, 16), new Shape(4, 8, 16, 16), new Shape(4, 16, 8, 8));
    }
  }

  @Test
  void log_determinant_of_known_matrices() {
    assertThat(NaswotScorer.logDeterminant(new double[] {2, 1, 1, 2}, 2))
        .isCloseTo(Math.log(3), within(1e-12));
    assertThat(NaswotScorer.logDeterminant(new double[] {0, 2, 3, 0}, 2))
        .isCloseTo(Math.log(6), within(1e-12));
    assertThat(NaswotScorer.logDeterminant(new double[] {1, 2, 2, 4}, 2))
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void the_builder_validates_its_settings() {
    assertThatThrownBy(() -> NaswotScorer.builder(null)).hasMessageContaining("dataset");
    assertThatThrownBy(() -> NaswotScorer.builder(data).batchSize(1))
        .hasMessageContaining("batchSize must be > 1, but was 1");
    assertThat(NaswotScorer.builder(data).batchSize(16).seed(9).build().name())
        .contains("naswot", "batch=16", "seed=9");
  }
}
