package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.search.Evaluator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A researcher's own evaluator, written the way docs/library.md shows: with the factories, the
 * builder and the {@code with} methods only, never a canonical constructor, so it keeps compiling
 * when a record gains a figure.
 */
class UserEvaluatorApiTest {
  @Test
  void an_evaluator_of_your_own_builds_its_values_with_factories() {
    FairnessReport fairness =
        FairnessMetrics.compute(
            2,
            new int[] {0, 1, 1, 0},
            new int[] {0, 1, 0, 0},
            List.of(new GroupColumn("sex", List.of("female", "male"), new int[] {0, 0, 1, 1})));
    // docs/library.md: an evaluator of your own
    Evaluator mine =
        architecture ->
            Evaluation.of(
                    new SplitMetrics(0.9, 0.75),
                    fairness,
                    HardwareReport.analytic(Cost.of(architecture))
                        .withLatencyMs(0.8)
                        .withDevice("jetson-nano"))
                .toBuilder()
                .epochs(5)
                .trainingSeconds(12.5)
                .extra("energy_mj", 40.0)
                .build();
    // end of the snippet
    Architecture cnn = ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2);

    Evaluation e = mine.evaluate(cnn);

    assertThat(e.succeeded()).isTrue();
    assertThat(e.accuracy()).isEqualTo(0.75);
    assertThat(e.unfairness()).isEqualTo(fairness.unfairness());
    assertThat(e.testFairness()).isEqualTo(fairness);
    assertThat(e.epochs()).isEqualTo(5);
    assertThat(e.extra("energy_mj")).contains(40.0);
    assertThat(e.hardware().parameters()).isEqualTo(Cost.of(cnn).parameters());
    assertThat(e.hardware().latencyMs()).isEqualTo(0.8);
    assertThat(e.hardware().device()).isEqualTo("jetson-nano");
    assertThat(e.toBuilder().build()).isEqualTo(e);
    assertThat(e.toBuilder().failure("out of memory").build().succeeded()).isFalse();
    assertThatThrownBy(() -> Evaluation.builder().validation(new SplitMetrics(1, 0.5)).build())
        .hasMessageContaining("a successful evaluation needs fairness and hardware reports");
  }

  @Test
  void a_target_of_your_own_is_named_then_narrowed() {
    io.flnas.space.DeploymentTarget nano =
        io.flnas.space.DeploymentTarget.named("jetson-nano", "NVIDIA Jetson Nano, 4 GB")
            .withMaxParameters(2_000_000)
            .withMaxLatencyMs(5);

    assertThat(nano.maxParameters()).isEqualTo(2_000_000);
    assertThat(nano.maxLatencyMs()).isEqualTo(5);
    assertThat(nano.maxMemoryMb()).isInfinite();
    assertThat(nano.meets(1_000_000, 100, 4.9)).isTrue();
    assertThat(nano.meets(1_000_000, 100, 5.1)).isFalse();
  }
}
