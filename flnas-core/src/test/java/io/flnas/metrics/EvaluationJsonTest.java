package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationJsonTest {
  private static Evaluation evaluation() {
    FairnessReport fairness =
        new FairnessReport(
            10, 0.8, List.of(new GroupAccuracy("sex", "female", 4, 0.75)), 0.05, 0.1, 0.2, 0.3);
    return new Evaluation(
        new SplitMetrics(0.5, 0.9),
        new SplitMetrics(0.6, 0.8),
        new SplitMetrics(0.7, 0.8),
        3,
        1.5,
        fairness,
        fairness,
        new HardwareReport(1000, 2000, 1.5, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "test"),
        Optional.empty());
  }

  @Test
  void extra_values_survive_the_round_trip_and_not_measured_stays_not_measured() {
    Evaluation given = evaluation().withExtras(Map.of("energy_mj", 12.5, "co2_g", Double.NaN));

    Evaluation read = EvaluationJson.read(EvaluationJson.write(given));

    assertThat(read).isEqualTo(given);
    assertThat(read.extra("energy_mj")).contains(12.5);
    assertThat(read.extra("co2_g")).hasValueSatisfying(v -> assertThat(v).isNaN());
    assertThat(read.metricsParagraph())
        .endsWith("Other metrics: co2_g not measured, energy_mj 12.50.");
  }

  @Test
  void json_written_before_extra_values_existed_reads_without_them() {
    String old = EvaluationJson.write(evaluation());
    assertThat(old).doesNotContain("extras");

    Evaluation read = EvaluationJson.read(old);

    assertThat(read.extras()).isEmpty();
    assertThat(read).isEqualTo(evaluation());
  }

  @Test
  void rejects_an_extra_value_without_a_usable_name() {
    assertThatThrownBy(() -> evaluation().withExtra("energy (mJ)", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'energy (mJ)'");
  }
}
