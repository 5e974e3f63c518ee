package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.PoolKind;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import org.junit.jupiter.api.Test;

/** Micro-batches: the activation budget bounds a step's memory and keeps its arithmetic. */
class MicroBatchTest {
  @Test
  void micro_batches_take_the_whole_batchs_step_when_nothing_normalizes_over_the_batch() {
    ImageDataset data = SyntheticLesions.builder().size(120).imageSize(8).seed(5).generate();
    Architecture plain =
        Architecture.builder(data.input(), data.numClasses())
            .name("plain")
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(new Layer.Activation(ActivationKind.RELU))
            .add(new Layer.Pool(PoolKind.MAX, 2, 2, 0))
            .add(Layer.Conv2d.of(32, 3, 1))
            .add(new Layer.Activation(ActivationKind.RELU))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(data.numClasses(), true))
            .build();
    Evaluation whole;
    Evaluation split;
    try (DjlEvaluator unbounded =
        DjlEvaluator.builder(data)
            .maxEpochs(2)
            .batchSize(32)
            .latencyRuns(1)
            .bootstrapResamples(10)
            .activationBudgetMb(Double.POSITIVE_INFINITY)
            .build()) {
      assertThat(unbounded.microBatch(plain)).isEqualTo(32);
      whole = unbounded.evaluate(plain);
    }
    try (DjlEvaluator bounded =
        DjlEvaluator.builder(data)
            .maxEpochs(2)
            .batchSize(32)
            .latencyRuns(1)
            .bootstrapResamples(10)
            .activationBudgetMb(0.01)
            .build()) {
      assertThat(bounded.microBatch(plain)).isLessThan(32).isGreaterThanOrEqualTo(2);
      split = bounded.evaluate(plain);
    }
    // The same steps up to the order of floating-point sums.
    assertThat(split.train().loss()).isCloseTo(whole.train().loss(), within(1e-4));
    assertThat(split.validation().loss()).isCloseTo(whole.validation().loss(), within(1e-4));
  }

  @Test
  void only_activation_heavy_models_are_split_under_the_default_budget() {
    ImageDataset data = SyntheticLesions.builder().size(60).imageSize(16).seed(5).generate();
    Shape in = data.input();
    try (DjlEvaluator evaluator = DjlEvaluator.builder(data).latencyRuns(1).build()) {
      assertThat(evaluator.microBatch(ReferenceArchitectures.byName("resnet18", in, 8)))
          .isEqualTo(64);
      assertThat(evaluator.microBatch(ReferenceArchitectures.byName("resnet34", in, 8)))
          .isEqualTo(64);
      assertThat(evaluator.microBatch(ReferenceArchitectures.byName("mobilenet_v2", in, 8)))
          .isEqualTo(16);
      assertThat(evaluator.microBatch(ReferenceArchitectures.byName("mobilenet_v1", in, 8)))
          .isEqualTo(16);
    }
  }
}
