package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Cost;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.examples.report.Plots;
import io.flnas.examples.report.TableOne;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.search.Baselines;
import io.flnas.search.Evaluator;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An evaluator's own metric, energy, reaches every place a built-in metric does. */
class CustomMetricTest {
  private static final Problem PROBLEM = new Problem("toy", Shape.image(3, 8, 8), 4);

  @TempDir Path dir;

  @Test
  void an_energy_value_an_evaluator_adds_is_ranked_fronted_tabled_plotted_prompted_and_journaled()
      throws Exception {
    CheapEvaluator cheap = new CheapEvaluator();
    // docs/library.md: custom metric
    Evaluator withEnergy =
        architecture ->
            cheap
                .evaluate(architecture)
                .withExtra(
                    "energy_mj", Cost.of(architecture).macs() * 2e-6); // a measured figure, say
    Metric energy = Metric.extra("energy_mj", Metric.Direction.LOWER_IS_BETTER);

    Search search =
        Search.builder(PROBLEM, withEnergy)
            .designer(Designers.random())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .objective(Objectives.lexicographic(energy, Metric.ACCURACY))
            .paretoMetrics(Metric.ACCURACY, energy)
            .journal(dir.resolve("journal.jsonl"))
            .maxIterations(6)
            .seed(4)
            .build();
    SearchResult result = search.run();
    // end docs/library.md

    // objective and Pareto front
    List<Trial> distinct = Objectives.distinctCompleted(result.history());
    Trial frugal =
        distinct.stream()
            .min(Comparator.comparingDouble(t -> t.result().extra("energy_mj").orElseThrow()))
            .orElseThrow();
    assertThat(result.best()).contains(frugal);
    assertThat(result.paretoFront())
        .contains(frugal)
        .isEqualTo(Objectives.paretoFront(result.history(), Metric.ACCURACY, energy));

    // Table I: its own column, marked where the searched model beats the baseline
    Evaluation baselineEvaluation =
        withEnergy
            .evaluate(ReferenceArchitectures.smallCnn(PROBLEM.input(), 4))
            .withExtra("energy_mj", 1e6);
    TableOne table =
        TableOne.of(
                List.of(
                    new Baselines.Baseline(
                        "base",
                        ReferenceArchitectures.smallCnn(PROBLEM.input(), 4),
                        baselineEvaluation)),
                List.of(frugal))
            .withMetrics(List.of(energy));
    String energyCell = String.format("%.4g", frugal.result().extra("energy_mj").orElseThrow());
    assertThat(table.header()).contains("energy_mj");
    assertThat(table.toText()).contains(energyCell + " ↓", "1.000e+06");
    assertThat(TableOne.of(List.of(), List.of(frugal)).toText())
        .contains("energy_mj")
        .as("without the metric, the value stands unmarked")
        .doesNotContain(energyCell + " ↓");

    // a plot per extra value, with its best so far
    assertThat(Plots.extras(dir, result.history(), List.of(energy)))
        .containsExactly(dir.resolve(Plots.metricFile("energy_mj")));
    assertThat(Files.size(dir.resolve("metric_energy_mj.png"))).isPositive();
    assertThat(Plots.metricChart(result.history(), "energy_mj", Optional.of(energy)).getSeriesMap())
        .containsKeys("energy_mj", "best so far");

    // the prompt's metrics paragraph
    assertThat(frugal.result().metricsParagraph())
        .contains("Other metrics: energy_mj " + energyCell);

    // the journal: evaluation JSON both ways, and a resumed search that restores every value
    assertThat(EvaluationJson.read(EvaluationJson.write(frugal.result())))
        .isEqualTo(frugal.result());
    int calls = cheap.calls();
    SearchResult resumed = search.run();
    assertThat(cheap.calls()).isEqualTo(calls);
    assertThat(resumed.best())
        .map(t -> t.result().extra("energy_mj"))
        .contains(frugal.result().extra("energy_mj"));
  }
}
