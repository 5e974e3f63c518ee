package io.flnas.space;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  private static final Shape INPUT = Shape.image(3, 32, 32);
  private final SearchSpace space = SearchSpaces.paperCnn();

  private static Architecture.Builder base() {
    return Architecture.builder(INPUT, 8);
  }

  @Test
  void accepts_the_small_reference_cnn() {
    assertThat(space.validate(ReferenceArchitectures.smallCnn(INPUT, 8))).isEmpty();
  }

  @Test
  void names_layer_rule_and_value_for_a_kernel_outside_the_choices() {
    Architecture a =
        base()
            .add(Layer.Conv2d.of(32, 9, 1))
            .add(Layer.Conv2d.of(32, 3, 1))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(8, true))
            .build();

    List<Violation> violations = space.validate(a);

    assertThat(violations)
        .contains(new Violation("layers[0] (conv2d)", "kernel must be one of [1, 3, 5, 7]", "9"));
  }

  @Test
  void rejects_architecture_whose_spatial_size_falls_below_one() {
    Architecture.Builder b = base();
    for (int i = 0; i < 7; i++) {
      b.add(Layer.Conv2d.of(16, 3, 2));
    }
    Architecture a = b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(8, true)).build();

    // 32 -> 16 -> 8 -> 4 -> 2 -> 1 -> 1 -> 1 with padding 1 stays >= 1; a 7x7 kernel without
    // padding does not
    Architecture shrinking =
        base()
            .add(new Layer.Conv2d(16, 7, 2, 0, 1, false))
            .add(new Layer.Conv2d(16, 7, 2, 0, 1, false))
            .add(new Layer.Conv2d(16, 7, 2, 0, 1, false))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(8, true))
            .build();

    assertThat(space.validate(a)).isEmpty();
    assertThat(space.validate(shrinking))
        .anySatisfy(
            v -> {
              assertThat(v.location()).isEqualTo("layers[2] (conv2d)");
              assertThat(v.rule()).contains("spatial size falls below 1");
            });
  }

  @Test
  void rejects_identity_shortcut_whose_body_changes_the_shape() {
    Architecture a =
        base()
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(Layer.Residual.identity(List.of(Layer.Conv2d.of(32, 3, 1))))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(8, true))
            .build();

    assertThat(space.validate(a))
        .anySatisfy(
            v -> {
              assertThat(v.location()).isEqualTo("layers[1] (residual)");
              assertThat(v.rule()).contains("identity shortcut");
            });
  }

  @Test
  void rejects_output_that_is_not_the_class_count_and_linear_on_a_feature_map() {
    Architecture wrongClasses =
        base()
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(64, true))
            .build();
    Architecture noFlatten =
        base()
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(new Layer.Linear(8, true))
            .build();

    assertThat(space.validate(wrongClasses))
        .extracting(Violation::rule)
        .anyMatch(r -> r.contains("classifier must have 8 units"));
    assertThat(space.validate(noFlatten))
        .extracting(Violation::rule)
        .anyMatch(r -> r.contains("linear needs a vector"));
  }

  @Test
  void enforces_conv_count_norm_kinds_and_residual_permission() {
    SearchSpace strict =
        SearchSpace.builder().convLayers(2, 3).norms(NormKind.BATCH).residual(false).build();
    Architecture a =
        base()
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(Layer.Norm.of(NormKind.INSTANCE))
            .add(Layer.Residual.identity(List.of(Layer.Conv2d.of(16, 3, 1))))
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(Layer.Conv2d.of(16, 3, 1))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(8, true))
            .build();

    assertThat(strict.validate(a))
        .extracting(Violation::rule)
        .contains(
            "normalization must be one of [batch]",
            "residual blocks are not allowed",
            "number of conv2d layers must be between 2 and 3");
  }

  @Test
  void samples_valid_architectures_deterministically_from_a_seed() {
    Set<String> hashes = new HashSet<>();
    for (int seed = 0; seed < 50; seed++) {
      Architecture a = space.sample(new Random(seed), INPUT, 8);
      assertThat(space.validate(a)).as("seed %s: %s", seed, a.summary()).isEmpty();
      assertThat(space.sample(new Random(seed), INPUT, 8)).isEqualTo(a);
      hashes.add(a.hash());
    }
    assertThat(hashes).hasSizeGreaterThan(45);
  }

  @Test
  void mutation_gives_a_valid_different_neighbour() {
    Random random = new Random(7);
    Architecture parent = space.sample(random, INPUT, 8);
    for (int i = 0; i < 50; i++) {
      Architecture child = space.mutate(parent, random);
      assertThat(space.validate(child)).isEmpty();
      assertThat(child.sameStructure(parent)).isFalse();
      parent = child;
    }
  }

  @Test
  void describes_itself_with_its_choices() {
    String text =
        SearchSpace.builder()
            .convLayers(3, 5)
            .filters(16, 32)
            .activations(ActivationKind.RELU, ActivationKind.GELU)
            .pools(PoolKind.MAX)
            .build()
            .describe();

    assertThat(text).contains("3 to 5", "[16, 32]", "[relu, gelu]", "[max]");
  }

  @Test
  void fingerprints_of_the_ready_made_spaces_stay_as_journals_recorded_them() {
    assertThat(SearchSpaces.paperCnn().fingerprint()).isEqualTo("18d714c721b53839");
    assertThat(SearchSpaces.tiny().fingerprint()).isEqualTo("b8105aa085ce7eaf");
  }

  @Test
  void deployment_targets_reject_over_budget_costs_before_training() {
    Architecture resnet = ReferenceArchitectures.resnet34(Shape.image(3, 64, 64), 8);

    assertThat(DeploymentTargets.raspberryPi4().check(Cost.of(resnet)))
        .extracting(Violation::rule)
        .anyMatch(r -> r.startsWith("parameters must be at most 5000000"));
    assertThat(DeploymentTargets.a10().check(Cost.of(resnet))).isEmpty();
    assertThat(DeploymentTargets.byName("pi4").promptText())
        .contains("Raspberry Pi 4", "5,000,000 parameters");
  }
}
