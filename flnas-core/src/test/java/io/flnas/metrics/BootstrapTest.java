package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  private static final int[] LABELS = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};

  /** Right on the first five samples, wrong on the last five. */
  private static final int[] HALF = {0, 1, 0, 1, 0, 0, 1, 0, 1, 0};

  private static final List<GroupColumn> SEX =
      List.of(
          new GroupColumn(
              "sex", List.of("male", "female"), new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}));

  @Test
  void percentile_interpolates_between_order_statistics_as_computed_by_hand() {
    // 0..100: the 2.5% quantile sits at rank 2.5 -> 2.5, the 97.5% at rank 97.5 -> 97.5
    double[] values = new double[101];
    for (int i = 0; i <= 100; i++) {
      values[100 - i] = i;
    }

    Interval interval = Bootstrap.percentile(values, 0.95);

    assertThat(interval.lower()).isCloseTo(2.5, within(1e-9));
    assertThat(interval.upper()).isCloseTo(97.5, within(1e-9));
  }

  @Test
  void accuracy_interval_of_five_right_in_ten_is_the_binomial_quantiles() {
    // Resampled accuracy ~ Binomial(10, 0.5) / 10. P(X <= 1) = 0.011 < 0.025 < P(X <= 2) = 0.055,
    // so the 2.5% quantile is 0.2 and, by symmetry, the 97.5% quantile is 0.8.
    FairnessIntervals ci = Bootstrap.intervals(2, LABELS, HALF, SEX, 10_000, 7);

    assertThat(ci.accuracy().lower()).isCloseTo(0.2, within(1e-9));
    assertThat(ci.accuracy().upper()).isCloseTo(0.8, within(1e-9));
    assertThat(ci.resamples()).isEqualTo(10_000);
    assertThat(ci.level()).isEqualTo(0.95);
  }

  @Test
  void a_model_right_everywhere_has_degenerate_intervals() {
    FairnessIntervals ci = Bootstrap.intervals(2, LABELS, LABELS, SEX, 1000, 7);

    assertThat(ci.accuracy()).isEqualTo(new Interval(1, 1));
    assertThat(ci.unfairness()).isEqualTo(new Interval(0, 0));
    assertThat(ci.eodd()).isEqualTo(new Interval(0, 0));
  }

  @Test
  void paired_difference_to_a_worse_model_excludes_zero_and_to_itself_does_not() {
    // A - B is the share of resampled samples B gets wrong: again Binomial(10, 0.5) / 10.
    FairnessIntervals better = Bootstrap.differences(2, LABELS, LABELS, HALF, SEX, 10_000, 7);
    FairnessIntervals same = Bootstrap.differences(2, LABELS, HALF, HALF, SEX, 1000, 7);

    assertThat(better.accuracy().lower()).isCloseTo(0.2, within(1e-9));
    assertThat(better.accuracy().upper()).isCloseTo(0.8, within(1e-9));
    assertThat(better.accuracy().excludesZero()).isTrue();
    assertThat(same.accuracy()).isEqualTo(new Interval(0, 0));
    assertThat(same.accuracy().excludesZero()).isFalse();
  }

  @Test
  void bias_correction_shifts_the_interval_toward_the_estimate_as_computed_by_hand() {
    // 100 resamples 1..100, estimate 20.5: share below 0.2, z0 = -0.8416; at level 0.90
    // (z = 1.6449) the quantiles are Phi(-3.3281) = 0.000437 and Phi(-0.0384) = 0.4847, i.e.
    // ranks 0.0433 and 47.98 -> values 1.0433 and 48.98
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = i + 1;
    }

    Interval bc = Bootstrap.biasCorrected(values, 20.5, 0.90);

    assertThat(bc.lower()).isCloseTo(1.0433, within(1e-3));
    assertThat(bc.upper()).isCloseTo(48.98, within(1e-2));
    // a centred estimate gives the plain percentile interval
    Interval centred = Bootstrap.biasCorrected(values, 50.5, 0.90);
    assertThat(centred.lower()).isCloseTo(Bootstrap.percentile(values, 0.90).lower(), within(1e-9));
    assertThat(centred.upper()).isCloseTo(Bootstrap.percentile(values, 0.90).upper(), within(1e-9));
  }

  @Test
  void the_same_seed_gives_the_same_intervals_and_they_hold_the_point_estimate() {
    FairnessIntervals a = Bootstrap.intervals(2, LABELS, HALF, SEX, 1000, 11);
    FairnessIntervals b = Bootstrap.intervals(2, LABELS, HALF, SEX, 1000, 11);
    FairnessReport point = FairnessMetrics.compute(2, LABELS, HALF, SEX);

    assertThat(a).isEqualTo(b);
    assertThat(a.unfairness().contains(point.unfairness())).isTrue();
    assertThat(a.eopp1().contains(point.eopp1())).isTrue();
    assertThat(a.eodd().contains(point.eodd())).isTrue();
  }

  @Test
  void around_estimate_is_the_figure_plus_minus_the_deviation_quantile_clipped_to_0_1() {
    // deviations 0..100 / 1000: the 95% quantile sits at rank 95 -> 0.095
    double[] deviations = new double[101];
    for (int i = 0; i <= 100; i++) {
      deviations[i] = i / 1000.0;
    }

    Interval inside = Bootstrap.aroundEstimate(0.5, deviations, 0.95);
    Interval atZero = Bootstrap.aroundEstimate(0.05, deviations, 0.95);

    assertThat(inside.lower()).isCloseTo(0.405, within(1e-12));
    assertThat(inside.upper()).isCloseTo(0.595, within(1e-12));
    assertThat(atZero.lower()).isZero();
    assertThat(atZero.upper()).isCloseTo(0.145, within(1e-12));
  }

  @Test
  void gap_intervals_hold_their_figure_even_where_every_resample_inflates_it() {
    // 8 classes, 40 samples, two groups of 20: a few positives per class and group, so nearly
    // every resampled EODD lies above the split's (the case of issue 22)
    int n = 40;
    int[] labels = new int[n];
    int[] predictions = new int[n];
    int[] sex = new int[n];
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 8;
      sex[i] = (i / 8) % 2;
      predictions[i] = random.nextDouble() < 0.6 ? labels[i] : random.nextInt(8);
    }
    List<GroupColumn> groups = List.of(new GroupColumn("sex", List.of("male", "female"), sex));
    FairnessReport point = FairnessMetrics.compute(8, labels, predictions, groups);

    FairnessIntervals ci = Bootstrap.intervals(8, labels, predictions, groups, 1000, 3);

    assertThat(ci.eodd().contains(point.eodd())).isTrue();
    assertThat(ci.eopp1().contains(point.eopp1())).isTrue();
    assertThat(ci.eopp2().contains(point.eopp2())).isTrue();
    assertThat(ci.unfairness().contains(point.unfairness())).isTrue();
    assertThat(ci.accuracy().contains(point.accuracy())).isTrue();
    assertThat(ci.eodd().upper() - ci.eodd().lower()).isPositive();
  }
}
