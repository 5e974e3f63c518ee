package io.flnas.examples.report;

import io.flnas.metrics.Evaluation;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.search.Baselines;
import io.flnas.search.Metric;
import io.flnas.search.Objective;
import io.flnas.search.Objectives;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG plots, drawn with XChart (headless). */
public final class Plots {
  public static final String SCATTER = "accuracy_vs_unfairness.png";
  public static final String PROGRESS = "best_so_far.png";
  public static final String GROUPS = "group_accuracy.png";

  private Plots() {}

  /** Validation accuracy against unfairness for every completed trial, the front and baselines. */
  public static Path scatter(Path dir, List<Trial> history, List<Baselines.Baseline> baselines)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(600)
        .title("Accuracy vs unfairness (validation)").xAxisTitle("Unfairness")
        .yAxisTitle("Accuracy").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    List<Trial> completed = history.stream().filter(Trial::completed)
        .filter(t -> t.duplicateOf().isEmpty()).toList();
    if (!completed.isEmpty()) {
      chart.addSeries("searched trials", completed.stream().map(t -> t.result().unfairness())
          .toList(), completed.stream().map(t -> t.result().accuracy()).toList());
      List<Trial> front = new ArrayList<>(Objectives.paretoFront(history, Metric.ACCURACY,
          Metric.UNFAIRNESS));
      front.sort(Comparator.comparingDouble(t -> t.result().unfairness()));
      XYSeries line = chart.addSeries("Pareto front", front.stream()
          .map(t -> t.result().unfairness()).toList(), front.stream()
          .map(t -> t.result().accuracy()).toList());
      line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.DIAMOND);
    }
    for (Baselines.Baseline b : baselines) {
      if (b.evaluation().succeeded()) {
        XYSeries s = chart.addSeries(b.name(), List.of(b.evaluation().unfairness()),
            List.of(b.evaluation().accuracy()));
        s.setMarker(SeriesMarkers.SQUARE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no completed trial", List.of(0.0), List.of(0.0));
    }
    return save(chart, dir.resolve(SCATTER));
  }

  /** Best-so-far validation accuracy and unfairness after each iteration. */
  public static Path progress(Path dir, List<Trial> history, Objective objective,
      DeploymentTarget target) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Best so far by iteration (validation)").xAxisTitle("Iteration")
        .yAxisTitle("Fraction").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<Integer> iterations = new ArrayList<>();
    List<Double> accuracy = new ArrayList<>();
    List<Double> unfairness = new ArrayList<>();
    for (int i = 1; i <= history.size(); i++) {
      Optional<Trial> best = objective.best(history.subList(0, i), target);
      if (best.isPresent()) {
        iterations.add(i);
        accuracy.add(best.get().result().accuracy());
        unfairness.add(best.get().result().unfairness());
      }
    }
    if (iterations.isEmpty()) {
      iterations.add(0);
      accuracy.add(0.0);
      unfairness.add(0.0);
    }
    chart.addSeries("accuracy of best", iterations, accuracy);
    chart.addSeries("unfairness of best", iterations, unfairness);
    return save(chart, dir.resolve(PROGRESS));
  }

  /** Per-group test accuracy of the best searched model against the best baseline. */
  public static Path groups(Path dir, Evaluation best, String bestName, Optional<Baselines.Baseline>
      baseline) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(800).height(500)
        .title("Per-group accuracy (test)").xAxisTitle("Group").yAxisTitle("Accuracy").build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<String> names = best.testFairness().groups().stream()
        .map(g -> g.attribute() + "=" + g.group()).toList();
    chart.addSeries(bestName, names, best.testFairness().groups().stream()
        .map(GroupAccuracy::accuracy).toList());
    baseline.filter(b -> b.evaluation().succeeded()).ifPresent(b -> {
      List<Double> values = new ArrayList<>();
      for (String name : names) {
        values.add(b.evaluation().testFairness().groups().stream()
            .filter(g -> (g.attribute() + "=" + g.group()).equals(name))
            .mapToDouble(GroupAccuracy::accuracy).findFirst().orElse(0));
      }
      chart.addSeries(b.name(), names, values);
    });
    return save(chart, dir.resolve(GROUPS));
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file)
      throws IOException {
    AtomicFiles.replace(file, temp -> BitmapEncoder.saveBitmap(chart, temp.toString(),
        BitmapEncoder.BitmapFormat.PNG));
    return file;
  }
}
