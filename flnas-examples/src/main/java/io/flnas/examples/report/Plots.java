package io.flnas.examples.report;

import io.flnas.metrics.Evaluation;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.search.Baselines;
import io.flnas.search.Trial;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objective;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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

/**
 * The report's PNG plots, drawn with XChart (headless): the accuracy/unfairness scatter with its
 * Pareto front, best-so-far progress, per-group accuracy over every sensitive attribute the data
 * has, and one plot per extra value the evaluations carry ({@link #extras}).
 */
public final class Plots {
  public static final String SCATTER = "accuracy_vs_unfairness.png";
  public static final String PROGRESS = "best_so_far.png";
  public static final String GROUPS = "group_accuracy.png";

  private Plots() {}

  /** Validation accuracy against unfairness for every completed trial, the front and baselines. */
  public static Path scatter(Path dir, List<Trial> history, List<Baselines.Baseline> baselines)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(600)
            .title("Accuracy vs unfairness (validation)")
            .xAxisTitle("Unfairness")
            .yAxisTitle("Accuracy")
            .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    List<Trial> completed = Objectives.distinctCompleted(history);
    if (!completed.isEmpty()) {
      chart.addSeries(
          "searched trials",
          completed.stream().map(t -> t.result().unfairness()).toList(),
          completed.stream().map(t -> t.result().accuracy()).toList());
      List<Trial> front =
          new ArrayList<>(Objectives.paretoFront(history, Metric.ACCURACY, Metric.UNFAIRNESS));
      front.sort(Comparator.comparingDouble(t -> t.result().unfairness()));
      XYSeries line =
          chart.addSeries(
              "Pareto front",
              front.stream().map(t -> t.result().unfairness()).toList(),
              front.stream().map(t -> t.result().accuracy()).toList());
      line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.DIAMOND);
    }
    for (Baselines.Baseline b : baselines) {
      if (b.evaluation().succeeded()) {
        XYSeries s =
            chart.addSeries(
                b.name(), List.of(b.evaluation().unfairness()), List.of(b.evaluation().accuracy()));
        s.setMarker(SeriesMarkers.SQUARE);
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no completed trial", List.of(0.0), List.of(0.0));
    }
    return save(chart, dir.resolve(SCATTER));
  }

  /** Best-so-far validation accuracy and unfairness after each iteration. */
  public static Path progress(
      Path dir, List<Trial> history, Objective objective, DeploymentTarget target)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Best so far by iteration (validation)")
            .xAxisTitle("Iteration")
            .yAxisTitle("Fraction")
            .build();
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
  public static Path groups(
      Path dir, Evaluation best, String bestName, Optional<Baselines.Baseline> baseline)
      throws IOException {
    return save(groupsChart(best, bestName, baseline), dir.resolve(GROUPS));
  }

  /** The chart of {@link #groups}: one category per group of every attribute, as "sex=female". */
  public static CategoryChart groupsChart(
      Evaluation best, String bestName, Optional<Baselines.Baseline> baseline) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(800)
            .height(500)
            .title("Per-group accuracy (test)")
            .xAxisTitle("Group")
            .yAxisTitle("Accuracy")
            .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<String> names =
        best.testFairness().groups().stream().map(g -> g.attribute() + "=" + g.group()).toList();
    chart.addSeries(
        bestName,
        names,
        best.testFairness().groups().stream().map(GroupAccuracy::accuracy).toList());
    baseline
        .filter(b -> b.evaluation().succeeded())
        .ifPresent(
            b -> {
              List<Double> values = new ArrayList<>();
              for (String name : names) {
                values.add(
                    b.evaluation().testFairness().groups().stream()
                        .filter(g -> (g.attribute() + "=" + g.group()).equals(name))
                        .mapToDouble(GroupAccuracy::accuracy)
                        .findFirst()
                        .orElse(0));
              }
              chart.addSeries(b.name(), names, values);
            });
    return chart;
  }

  /** The file of an extra value's plot: {@code metric_<name>.png}. */
  public static String metricFile(String name) {
    return "metric_" + name + ".png";
  }

  /**
   * One plot per extra value present in the distinct completed trials ({@link #metricFile}), in
   * name order. A value whose metric is among {@code known} also gets its best-so-far line, by the
   * metric's direction; others show the values alone.
   */
  public static List<Path> extras(Path dir, List<Trial> history, Collection<? extends Metric> known)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (String name : extraNames(history)) {
      Optional<Metric> metric =
          known.stream().filter(m -> m.name().equals(name)).findFirst().map(m -> m);
      files.add(save(metricChart(history, name, metric), dir.resolve(metricFile(name))));
    }
    return files;
  }

  /** Names of the extra values in the distinct completed trials, sorted. */
  public static List<String> extraNames(List<Trial> history) {
    return Objectives.distinctCompleted(history).stream()
        .flatMap(t -> t.result().extras().keySet().stream())
        .distinct()
        .sorted()
        .toList();
  }

  /** The chart of one extra value by iteration, with the best so far where the metric is known. */
  public static XYChart metricChart(List<Trial> history, String name, Optional<Metric> metric) {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title(
                name
                    + " by iteration ("
                    + metric
                        .map(m -> m.higherIsBetter() ? "higher" : "lower")
                        .map(d -> d + " is better")
                        .orElse("direction not given")
                    + ")")
            .xAxisTitle("Iteration")
            .yAxisTitle(name)
            .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<Integer> iterations = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> best = new ArrayList<>();
    for (Trial t : Objectives.distinctCompleted(history)) {
      double value = t.result().extra(name).orElse(Double.NaN);
      if (Double.isNaN(value)) {
        continue;
      }
      boolean better =
          best.isEmpty()
              || metric
                  .map(
                      m ->
                          m.higherIsBetter()
                              ? value > best.get(best.size() - 1)
                              : value < best.get(best.size() - 1))
                  .orElse(false);
      iterations.add(t.iteration());
      values.add(value);
      best.add(better ? value : best.get(best.size() - 1));
    }
    if (iterations.isEmpty()) {
      iterations.add(0);
      values.add(0.0);
      best.add(0.0);
    }
    chart
        .addSeries(name, iterations, values)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    if (metric.isPresent()) {
      chart.addSeries("best so far", iterations, best);
    }
    return chart;
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file)
      throws IOException {
    AtomicFiles.replace(
        file,
        temp -> BitmapEncoder.saveBitmap(chart, temp.toString(), BitmapEncoder.BitmapFormat.PNG));
    return file;
  }
}
