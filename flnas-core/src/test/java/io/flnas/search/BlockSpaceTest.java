package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpace;
import io.flnas.testing.CheapEvaluator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A researcher's own search space, plugged in through the {@link SearchSpace} interface and run by
 * the evolutionary baseline; docs/library.md quotes the space.
 */
class BlockSpaceTest {
  private static final Problem PROBLEM = new Problem("toy skin lesions", Shape.image(3, 16, 16), 4);

  // docs/library.md: custom space
  /** 1 to 3 repeated conv-bn-relu blocks of one width, then global pooling and a classifier. */
  record BlockSpace(List<Integer> widths) implements SearchSpace {
    static Architecture blocks(Shape input, int classes, int count, int width) {
      Architecture.Builder b = Architecture.builder(input, classes);
      for (int i = 0; i < count; i++) {
        b.add(Layer.Conv2d.of(width, 3, 1))
            .add(Layer.Norm.of(NormKind.BATCH))
            .add(new Layer.Activation(ActivationKind.RELU));
      }
      return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(classes, true)).build();
    }

    @Override
    public List<Violation> validate(Architecture a) {
      int count = a.convLayerCount();
      int width = a.layers().get(0) instanceof Layer.Conv2d c ? c.filters() : -1;
      boolean ok =
          count >= 1
              && count <= 3
              && widths.contains(width)
              && a.sameStructure(blocks(a.input(), a.numClasses(), count, width));
      return ok
          ? List.of()
          : List.of(
              new Violation(
                  "architecture",
                  "must be 1 to 3 conv-bn-relu blocks of one width in " + widths,
                  a.summary()));
    }

    @Override
    public String describe() {
      return "- 1 to 3 blocks of conv3x3-batchnorm-relu, all of one width in "
          + widths
          + ", then global average pooling and a linear classifier";
    }

    @Override
    public Architecture sample(Random random, Shape input, int numClasses) {
      return blocks(
          input, numClasses, 1 + random.nextInt(3), widths.get(random.nextInt(widths.size())));
    }

    @Override
    public Architecture mutate(Architecture parent, Random random) {
      int count = parent.convLayerCount();
      int width = ((Layer.Conv2d) parent.layers().get(0)).filters();
      while (true) { // one block more or fewer, or another width
        int c = Math.max(1, Math.min(3, count + random.nextInt(3) - 1));
        int w = random.nextBoolean() ? width : widths.get(random.nextInt(widths.size()));
        if (c != count || w != width) {
          return blocks(parent.input(), parent.numClasses(), c, w);
        }
      }
    }
  }

  // end docs/library.md

  @Test
  void a_search_with_a_custom_block_space_proposes_only_architectures_of_that_space() {
    SearchSpace space = new BlockSpace(List.of(8, 16, 32));
    Search search =
        Search.builder(PROBLEM, new CheapEvaluator())
            .space(space)
            .designer(Designers.evolution(4, 2))
            .target(DeploymentTargets.unconstrained())
            .maxIterations(12)
            .seed(3)
            .build();

    SearchResult result = search.run();

    List<Architecture> completed =
        result.history().stream()
            .filter(Trial::completed)
            .map(t -> t.architecture().orElseThrow())
            .toList();
    assertThat(completed).hasSizeGreaterThan(4); // past the population: mutations were proposed
    assertThat(completed)
        .allSatisfy(
            a -> {
              assertThat(space.validate(a)).isEmpty();
              assertThat(a.convLayerCount()).isBetween(1, 3);
              assertThat(a.layers()).hasSize(3 * a.convLayerCount() + 2);
            });
    assertThat(search.space().describe())
        .isEqualTo(space.describe())
        .contains("conv3x3-batchnorm-relu", "[8, 16, 32]");
    assertThat(search.fingerprint()).containsEntry("search_space", space.fingerprint());
  }

  @Test
  void the_block_space_names_its_rule_for_a_width_outside_its_choices() {
    SearchSpace space = new BlockSpace(List.of(8, 16));
    Architecture wide = BlockSpace.blocks(PROBLEM.input(), 4, 2, 64);

    assertThat(space.validate(wide))
        .extracting(Violation::rule)
        .containsExactly("must be 1 to 3 conv-bn-relu blocks of one width in [8, 16]");
    assertThat(space.validate(BlockSpace.blocks(PROBLEM.input(), 4, 2, 16))).isEmpty();
  }
}
