package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ObjectivesTest {
  private static final DeploymentTarget ANY = DeploymentTargets.unconstrained();

  private static Trial trial(
      int iteration, double accuracy, double unfairness, double latency, long params) {
    FairnessReport fairness = new FairnessReport(100, accuracy, List.of(), unfairness, 0, 0, 0);
    Evaluation e =
        new Evaluation(
            SplitMetrics.UNKNOWN,
            new SplitMetrics(1, accuracy),
            SplitMetrics.UNKNOWN,
            1,
            1,
            fairness,
            fairness,
            new HardwareReport(params, 0, 1, latency, Double.NaN, Double.NaN, Double.NaN, "test"),
            Optional.empty());
    return new Trial(
        iteration,
        "test",
        Optional.of(ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2)),
        Trial.Status.COMPLETED,
        Optional.of(e),
        Optional.empty(),
        OptionalInt.empty(),
        List.of(),
        0);
  }

  @Test
  void flnas_prefers_the_fairest_within_one_point_of_the_best_accuracy() {
    Trial mostAccurate = trial(1, 0.800, 0.10, 1, 100);
    Trial fairAndClose = trial(2, 0.792, 0.02, 1, 100);
    Trial fairestButWorse = trial(3, 0.700, 0.00, 1, 100);

    List<Trial> ranked =
        Objectives.flNas().rank(List.of(mostAccurate, fairAndClose, fairestButWorse), ANY);

    assertThat(ranked).containsExactly(fairAndClose, mostAccurate, fairestButWorse);
  }

  @Test
  void flnas_breaks_ties_by_latency_then_parameters_and_puts_over_budget_last() {
    Trial slow = trial(1, 0.8, 0.05, 9, 100);
    Trial fastBig = trial(2, 0.8, 0.05, 1, 900);
    Trial fastSmall = trial(3, 0.8, 0.05, 1, 100);
    Trial overBudget = trial(4, 0.95, 0.0, 1, 10_000_000);
    DeploymentTarget pi = DeploymentTargets.raspberryPi4();

    assertThat(Objectives.flNas().rank(List.of(slow, fastBig, fastSmall, overBudget), pi))
        .containsExactly(fastSmall, fastBig, slow, overBudget);
  }

  @Test
  void weighted_and_lexicographic_alternatives_rank_by_their_metrics() {
    Trial accurate = trial(1, 0.9, 0.2, 1, 100);
    Trial fair = trial(2, 0.7, 0.0, 1, 100);

    assertThat(
            Objectives.weighted(Map.of(Metric.ACCURACY, 1.0, Metric.UNFAIRNESS, 2.0))
                .best(List.of(accurate, fair), ANY))
        .contains(fair);
    assertThat(Objectives.weighted(Map.of(Metric.ACCURACY, 1.0)).best(List.of(accurate, fair), ANY))
        .contains(accurate);
    assertThat(
            Objectives.lexicographic(Metric.UNFAIRNESS, Metric.ACCURACY)
                .rank(List.of(accurate, fair), ANY))
        .containsExactly(fair, accurate);
  }

  @Test
  void pareto_front_keeps_only_non_dominated_trials() {
    Trial a = trial(1, 0.9, 0.2, 1, 100);
    Trial b = trial(2, 0.7, 0.0, 1, 100);
    Trial dominated = trial(3, 0.7, 0.3, 1, 100);
    Trial middle = trial(4, 0.8, 0.1, 1, 100);

    assertThat(
            Objectives.paretoFront(
                List.of(a, b, dominated, middle), Metric.ACCURACY, Metric.UNFAIRNESS))
        .containsExactly(a, b, middle);
  }

  @Test
  void pareto_ranks_by_front_then_crowding_distance() {
    // Front 1: 1, 2, 3, 4 (accuracy up, unfairness up); 5 and 6 dominated by 2; 6 also by 5.
    List<Trial> trials =
        List.of(
            trial(1, 0.60, 0.01, 1, 1),
            trial(2, 0.70, 0.02, 1, 1),
            trial(3, 0.71, 0.05, 1, 1),
            trial(4, 0.90, 0.20, 1, 1),
            trial(5, 0.65, 0.03, 1, 1),
            trial(6, 0.50, 0.04, 1, 1));

    List<Integer> ranked =
        Objectives.pareto(Metric.ACCURACY, Metric.UNFAIRNESS).rank(trials, ANY).stream()
            .map(Trial::iteration)
            .toList();

    // The extremes 1 and 4 first; then 3, whose neighbours are farther apart than 2's (crowding
    // 0.20/0.30 + 0.18/0.19 against 0.11/0.30 + 0.04/0.19); then the next fronts, 5, then 6.
    assertThat(ranked).containsExactly(1, 4, 3, 2, 5, 6);
    assertThat(Objectives.pareto(Metric.ACCURACY, Metric.UNFAIRNESS).name())
        .isEqualTo("pareto[ACCURACY, UNFAIRNESS]");
  }

  @Test
  void an_extra_value_ranks_and_fronts_like_a_built_in_metric() {
    Metric energy = Metric.extra("energy_mj", Metric.Direction.LOWER_IS_BETTER);
    Trial hungry = withEnergy(trial(1, 0.9, 0.1, 1, 100), 30);
    Trial frugal = withEnergy(trial(2, 0.9, 0.1, 1, 100), 10);
    Trial unmeasured = trial(3, 0.9, 0.1, 1, 100);

    assertThat(
            Objectives.lexicographic(Metric.ACCURACY, energy)
                .rank(List.of(hungry, frugal, unmeasured), ANY))
        .containsExactly(frugal, hungry, unmeasured);
    assertThat(Objectives.paretoFront(List.of(hungry, frugal), Metric.ACCURACY, energy))
        .containsExactly(frugal);
    assertThat(Metric.find("energy_mj", List.of(energy))).contains(energy);
    assertThat(Metric.find("unfairness", List.of())).contains(Metric.UNFAIRNESS);
  }

  @Test
  void objective_names_spell_metrics_as_journals_written_before_did() {
    assertThat(Objectives.weighted(Map.of(Metric.ACCURACY, 1.0)).name())
        .isEqualTo("weighted{ACCURACY=1.0}");
    assertThat(Objectives.lexicographic(Metric.UNFAIRNESS, Metric.ACCURACY).name())
        .isEqualTo("lexicographic[UNFAIRNESS, ACCURACY]");
  }

  private static Trial withEnergy(Trial t, double energyMj) {
    return new Trial(
        t.iteration(),
        t.designer(),
        t.architecture(),
        t.status(),
        t.evaluation().map(e -> e.withExtra("energy_mj", energyMj)),
        t.reason(),
        t.duplicateOf(),
        t.exchanges(),
        t.seconds());
  }
}
