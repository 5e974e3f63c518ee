package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FairnessMetricsTest {
  private static final int U = GroupColumn.UNKNOWN;
  private static final List<String> SEX = List.of("male", "female");
  private static final List<String> AGE = List.of("young", "middle", "old");

  @Test
  void binary_case_uses_class_one_as_positive_and_excludes_unknown_from_groups() {
    // given male: labels 1,1,0,0 preds 1,0,0,1 (TPR .5, FPR .5, acc .5)
    //       female: labels 1,0,0,0 preds 1,0,0,1 (TPR 1, FPR 1/3, acc .75)
    //       one unknown sample, wrong
    int[] labels = {1, 1, 0, 0, 1, 0, 0, 0, 0};
    int[] preds = {1, 0, 0, 1, 1, 0, 0, 1, 1};
    int[] sex = {0, 0, 0, 0, 1, 1, 1, 1, U};

    FairnessReport report =
        FairnessMetrics.compute(2, labels, preds, List.of(new GroupColumn("sex", SEX, sex)));

    assertThat(report.samples()).isEqualTo(9);
    assertThat(report.accuracy()).isCloseTo(5.0 / 9, within(1e-12));
    assertThat(report.groups())
        .containsExactly(
            new GroupAccuracy("sex", "male", 4, 0.5), new GroupAccuracy("sex", "female", 4, 0.75));
    assertThat(report.unfairness()).isCloseTo(0.125, within(1e-12));
    assertThat(report.eopp1()).isCloseTo(0.5, within(1e-12));
    assertThat(report.eopp2()).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(report.eodd()).isCloseTo(0.5, within(1e-12));
    assertThat(report.worstGroup()).get().extracting(GroupAccuracy::group).isEqualTo("male");
  }

  @Test
  void multi_class_skips_empty_groups_and_classes_absent_from_one_group() {
    // given young: labels 0,1,2 preds 0,1,1; middle: labels 0,0,1 preds 0,1,1; old: empty
    int[] labels = {0, 1, 2, 0, 0, 1};
    int[] preds = {0, 1, 1, 0, 1, 1};
    int[] age = {0, 0, 0, 1, 1, 1};

    FairnessReport report =
        FairnessMetrics.compute(3, labels, preds, List.of(new GroupColumn("age", AGE, age)));

    assertThat(report.groups()).extracting(GroupAccuracy::group).containsExactly("young", "middle");
    assertThat(report.unfairness()).isCloseTo(0, within(1e-12));
    // class 0: dTPR .5, dFPR 0; class 1: all equal; class 2: absent from middle (no TPR/EODD term)
    assertThat(report.eopp1()).isCloseTo(0.25, within(1e-12));
    assertThat(report.eopp2()).isCloseTo(0, within(1e-12));
    assertThat(report.eodd()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void averages_pairs_over_attributes() {
    // given the binary example's sex column plus an age column splitting the same samples
    int[] labels = {1, 1, 0, 0, 1, 0, 0, 0};
    int[] preds = {1, 0, 0, 1, 1, 0, 0, 1};
    int[] sex = {0, 0, 0, 0, 1, 1, 1, 1};
    int[] age = {0, 0, 0, 0, 0, 0, 0, 0}; // one non-empty group: no pair, gap to overall only

    FairnessReport report =
        FairnessMetrics.compute(
            2,
            labels,
            preds,
            List.of(new GroupColumn("sex", SEX, sex), new GroupColumn("age", AGE, age)));

    // overall 5/8; groups male .5, female .75, young 5/8 -> mean gap (1/8 + 1/8 + 0) / 3
    assertThat(report.unfairness()).isCloseTo(1.0 / 12, within(1e-12));
    assertThat(report.eopp1()).isCloseTo(0.5, within(1e-12)); // only the sex pair counts
  }

  @Test
  void all_correct_predictions_are_perfectly_fair() {
    int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
    int[] sex = {0, 1, 0, 1, 0, 1, 0, 1};
    int[] age = {0, 1, 2, 0, 1, 2, U, U};

    FairnessReport report =
        FairnessMetrics.compute(
            4,
            labels,
            labels.clone(),
            List.of(new GroupColumn("sex", SEX, sex), new GroupColumn("age", AGE, age)));

    assertThat(report.accuracy()).isEqualTo(1.0);
    assertThat(report.unfairness()).isZero();
    assertThat(report.eodd()).isZero();
    assertThat(report.eopp1()).isZero();
    assertThat(report.eopp2()).isZero();
  }

  @Test
  void a_metric_with_no_defined_pair_is_zero() {
    // male holds only class 0, female only class 1: no class has positives in both groups
    int[] labels = {0, 0, 1, 1};
    int[] preds = {0, 1, 1, 0};
    int[] sex = {0, 0, 1, 1};

    FairnessReport report =
        FairnessMetrics.compute(2, labels, preds, List.of(new GroupColumn("sex", SEX, sex)));

    assertThat(report.eopp1()).isZero();
    assertThat(report.eopp2()).isZero();
    assertThat(report.eodd()).isZero();
  }

  @Test
  void rejects_a_prediction_outside_the_classes_naming_the_sample() {
    assertThatThrownBy(
            () -> FairnessMetrics.compute(2, new int[] {0, 1}, new int[] {0, 5}, List.of()))
        .hasMessageContaining("sample 1")
        .hasMessageContaining("5");
  }

  @Test
  void evaluation_json_round_trips_and_paragraph_carries_every_figure() {
    FairnessReport fairness =
        FairnessMetrics.compute(
            2,
            new int[] {1, 0, 1, 0},
            new int[] {1, 0, 0, 0},
            List.of(new GroupColumn("sex", SEX, new int[] {0, 0, 1, 1})));
    FairnessIntervals intervals =
        Bootstrap.intervals(
            2,
            new int[] {1, 0, 1, 0},
            new int[] {1, 0, 0, 0},
            List.of(new GroupColumn("sex", SEX, new int[] {0, 0, 1, 1})),
            200,
            3);
    Evaluation evaluation =
        new Evaluation(
            new SplitMetrics(0.3, 0.9),
            new SplitMetrics(0.4, 0.75),
            new SplitMetrics(0.5, 0.7),
            7,
            12.5,
            fairness,
            fairness,
            new HardwareReport(1234, 5678, 1.5, 0.42, 900, 3.25, 2804.5, "cpu"),
            java.util.Optional.empty(),
            List.of(1, 0, 0, 0),
            java.util.Optional.of(intervals));

    Evaluation back = EvaluationJson.read(EvaluationJson.write(evaluation));

    assertThat(back.toString()).isEqualTo(evaluation.toString());
    assertThat(back.testPredictionArray()).containsExactly(1, 0, 0, 0);
    assertThat(back.testIntervals()).contains(intervals);
    assertThat(back.hardware().processPeakMb()).isEqualTo(2804.5);
    assertThat(evaluation.metricsParagraph())
        .contains(
            "validation loss 0.4000",
            "accuracy 75.00%",
            "unfairness 0.2500",
            "EODD",
            "EOPP1",
            "EOPP2",
            "sex=male 100.0% (n=2)",
            "sex=female 50.0% (n=2)",
            "latency 0.42 ms",
            "throughput 900",
            "1,234 parameters",
            "model memory 3.3 MB (measured",
            "On the test split (plug-in figures",
            String.format(
                "EODD %.4f [%.3f, %.3f]",
                fairness.eodd(), intervals.eodd().lower(), intervals.eodd().upper()))
        .doesNotContain("2804");
  }
}
