package io.flnas.examples.report;

import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessIntervals;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.Interval;
import io.flnas.search.Baselines;
import io.flnas.search.Trial;
import io.flnas.search.rank.Metric;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The paper's Table I: one row per baseline and per top searched model, with test accuracy, the
 * four fairness figures on the test split (plug-in figures), each with its bootstrap 95% interval
 * around it ({@link Bootstrap#intervals}, which always holds the figure), then parameters, model
 * memory (measured, or the analytic figure marked "(analytic)") and measured latency. A searched
 * model's cell is marked with an arrow where its point estimate beats every baseline (up for higher
 * accuracy, down for lower gaps and costs), and with {@code *} where the 95% interval of its paired
 * difference to every baseline excludes zero on the better side (see {@link
 * Bootstrap#differences}), which needs the {@link TestSplit}: a model significantly worse than
 * every baseline gets no mark, so {@code *} never reads as praise it has not earned.
 *
 * <p>The table is open to what the evaluations carry: after latency comes one column per extra
 * value ({@link Evaluation#extras()}) present in any row, by name, then the worst-served group of
 * the test split over every sensitive attribute the data has. An extra column gets the arrow only
 * where the table knows the metric's direction, from the {@link Metric}s given to {@link
 * #withMetrics} (a run's report gives the metrics it was built with); without it the values stand
 * unmarked.
 */
public final class TableOne {
  /**
   * One row. NaN figures print as "-".
   *
   * @param memoryMeasured whether {@code memoryMb} was measured; where not it is the analytic
   *     figure, and its cell says "(analytic)"
   * @param intervals bootstrap intervals of the five test figures, when the evaluator gave them
   * @param predictions per-sample test predictions, empty when not recorded
   */
  public record Row(
      String model,
      boolean searched,
      double accuracy,
      double unfairness,
      double eodd,
      double eopp1,
      double eopp2,
      long parameters,
      double memoryMb,
      boolean memoryMeasured,
      double latencyMs,
      Optional<FairnessIntervals> intervals,
      int[] predictions,
      Map<String, Double> extras,
      Optional<GroupAccuracy> worstGroup) {

    static Row of(String model, boolean searched, Evaluation e) {
      if (!e.succeeded()) {
        long params = e.hardware() == null ? 0 : e.hardware().parameters();
        return new Row(
            model + " (failed)",
            searched,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            params,
            Double.NaN,
            false,
            Double.NaN,
            Optional.empty(),
            new int[0],
            Map.of(),
            Optional.empty());
      }
      FairnessReport f = e.testFairness();
      return new Row(
          model,
          searched,
          e.test().accuracy(),
          f.unfairness(),
          f.eodd(),
          f.eopp1(),
          f.eopp2(),
          e.hardware().parameters(),
          e.hardware().memoryMb(),
          e.hardware().memoryMeasured(),
          e.hardware().latencyMs(),
          e.testIntervals(),
          e.testPredictionArray(),
          e.extras(),
          f.worstGroup());
    }
  }

  /**
   * The test split's labels and groups, so searched rows can be compared with each baseline on the
   * same samples (a seeded paired bootstrap of {@code resamples} resamples).
   */
  public record TestSplit(
      int numClasses, int[] labels, List<GroupColumn> groups, int resamples, long seed) {}

  private static final List<String> FIXED =
      List.of(
          "Model",
          "Accuracy % [95% CI]",
          "Unfairness [95% CI]",
          "EODD [95% CI]",
          "EOPP1 [95% CI]",
          "EOPP2 [95% CI]",
          "Params (M)",
          "Memory (MB)",
          "Latency (ms)");

  /** Header of the last column: the worst-served group over all sensitive attributes. */
  public static final String WORST_GROUP = "Worst group (test)";

  /** The five columns that carry intervals: 1 to 5, as in {@link FairnessIntervals#FIGURES}. */
  private static final int FIGURE_COLUMNS = 5;

  /** The footnote that explains the markers and figures. */
  public static final String NOTE =
      "Test split, plug-in figures (not bias-corrected; the gaps of"
          + " small groups read high), bootstrap 95% intervals in brackets, each around its figure and"
          + " always holding it (Bootstrap.intervals). ↑/↓: the"
          + " point estimate beats every baseline; *: the 95% interval of the paired difference to"
          + " every baseline excludes zero, on the better side. Memory: the model's own, measured for one"
          + " batch-2 forward pass (parameters and activations); where it could not be measured, the"
          + " analytic figure, marked (analytic).";

  private final List<Row> rows;
  private final boolean[][] significant;

  /** Names of the extra values present in any row, sorted: the columns after latency. */
  private final List<String> extras;

  /** The metrics whose direction the table knows, by name. */
  private final Map<String, Metric> metrics;

  private TableOne(List<Row> rows, Optional<TestSplit> split) {
    this.rows = List.copyOf(rows);
    this.significant = new boolean[rows.size()][FIGURE_COLUMNS + 1];
    this.extras =
        List.copyOf(
            rows.stream()
                .flatMap(r -> r.extras().keySet().stream())
                .collect(Collectors.toCollection(TreeSet::new)));
    this.metrics = Map.of();
    split.ifPresent(this::compareWithBaselines);
  }

  private TableOne(TableOne table, Map<String, Metric> metrics) {
    this.rows = table.rows;
    this.significant = table.significant;
    this.extras = table.extras;
    this.metrics = Map.copyOf(metrics);
  }

  /**
   * A copy that knows the direction of these metrics, so extra columns of theirs get the arrow
   * where a searched model beats every baseline.
   */
  public TableOne withMetrics(Collection<? extends Metric> known) {
    Map<String, Metric> byName = new HashMap<>(metrics);
    known.forEach(m -> byName.put(m.name(), m));
    return new TableOne(this, byName);
  }

  /** The column headers: the paper's, one per extra value, then {@link #WORST_GROUP}. */
  public List<String> header() {
    List<String> header = new ArrayList<>(FIXED);
    header.addAll(extras);
    header.add(WORST_GROUP);
    return header;
  }

  /** Baselines first, then the searched trials given (best first); no significance markers. */
  public static TableOne of(List<Baselines.Baseline> baselines, List<Trial> searched) {
    return new TableOne(rows(baselines, searched), Optional.empty());
  }

  /** As {@link #of(List, List)}, with {@code *} markers from a paired bootstrap on the split. */
  public static TableOne of(
      List<Baselines.Baseline> baselines, List<Trial> searched, TestSplit split) {
    return new TableOne(rows(baselines, searched), Optional.of(split));
  }

  private static List<Row> rows(List<Baselines.Baseline> baselines, List<Trial> searched) {
    List<Row> rows = new ArrayList<>();
    for (Baselines.Baseline b : baselines) {
      rows.add(Row.of(b.name(), false, b.evaluation()));
    }
    int rank = 1;
    for (Trial t : searched) {
      rows.add(Row.of("FL-NAS #" + rank++ + " (trial " + t.iteration() + ")", true, t.result()));
    }
    return rows;
  }

  public List<Row> rows() {
    return rows;
  }

  private List<Row> comparableBaselines() {
    return rows.stream().filter(r -> !r.searched() && !Double.isNaN(r.accuracy())).toList();
  }

  private void compareWithBaselines(TestSplit split) {
    List<Row> baselines = comparableBaselines();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      int n = split.labels().length;
      if (!row.searched() || baselines.isEmpty() || row.predictions().length != n) {
        continue;
      }
      boolean[] all = new boolean[FIGURE_COLUMNS + 1];
      java.util.Arrays.fill(all, true);
      for (Row b : baselines) {
        if (b.predictions().length != n) {
          java.util.Arrays.fill(all, false);
          break;
        }
        List<Interval> differences =
            new ArrayList<>(
                Bootstrap.differences(
                        split.numClasses(),
                        split.labels(),
                        row.predictions(),
                        b.predictions(),
                        split.groups(),
                        split.resamples(),
                        split.seed())
                    .byFigure()
                    .values());
        for (int c = 1; c <= FIGURE_COLUMNS; c++) {
          Interval d = differences.get(c - 1);
          // better, not merely different: higher accuracy (column 1), lower gaps
          all[c] &= c == 1 ? d.lower() > 0 : d.upper() < 0;
        }
      }
      for (int c = 1; c <= FIGURE_COLUMNS; c++) {
        significant[i][c] = all[c];
      }
    }
  }

  /** Whether a searched row's point estimate beats every successful baseline on a column. */
  public boolean beatsEveryBaseline(Row row, int column) {
    List<Row> baselines = comparableBaselines();
    if (!row.searched() || baselines.isEmpty()) {
      return false;
    }
    Optional<Boolean> higherIsBetter = higherIsBetter(column);
    double value = value(row, column);
    if (Double.isNaN(value) || higherIsBetter.isEmpty()) {
      return false;
    }
    for (Row b : baselines) {
      double other = value(b, column);
      boolean better = higherIsBetter.get() ? value > other : value < other;
      if (!better && !Double.isNaN(other)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the 95% interval of a searched row's paired difference to every baseline excludes zero
   * on the better side on a figure column (1 accuracy to 5 EOPP2); false without a {@link
   * TestSplit}.
   */
  public boolean differsFromEveryBaseline(Row row, int column) {
    int i = rows.indexOf(row);
    return i >= 0 && column >= 1 && column <= FIGURE_COLUMNS && significant[i][column];
  }

  private double value(Row r, int column) {
    List<ToDoubleFunction<Row>> getters =
        List.of(
            x -> 0,
            Row::accuracy,
            Row::unfairness,
            Row::eodd,
            Row::eopp1,
            Row::eopp2,
            x -> x.parameters(),
            Row::memoryMb,
            Row::latencyMs);
    if (column < getters.size()) {
      return getters.get(column).applyAsDouble(r);
    }
    int extra = column - getters.size();
    return extra < extras.size()
        ? r.extras().getOrDefault(extras.get(extra), Double.NaN)
        : Double.NaN;
  }

  /** Which way is better on a column: accuracy up, gaps and costs down, extras as told. */
  private Optional<Boolean> higherIsBetter(int column) {
    if (column >= 1 && column < FIXED.size()) {
      return Optional.of(column == 1);
    }
    int extra = column - FIXED.size();
    return extra >= 0 && extra < extras.size()
        ? Optional.ofNullable(metrics.get(extras.get(extra))).map(Metric::higherIsBetter)
        : Optional.empty();
  }

  private String[] cells(Row r) {
    List<Interval> ci =
        r.intervals().map(i -> List.copyOf(i.byFigure().values())).orElse(List.of());
    String[] cells = {
      r.model(),
      pct(r.accuracy(), ci.isEmpty() ? null : ci.get(0)),
      fraction(r.unfairness(), ci.isEmpty() ? null : ci.get(1)),
      fraction(r.eodd(), ci.isEmpty() ? null : ci.get(2)),
      fraction(r.eopp1(), ci.isEmpty() ? null : ci.get(3)),
      fraction(r.eopp2(), ci.isEmpty() ? null : ci.get(4)),
      String.format("%.2f", r.parameters() / 1e6),
      memory(r),
      number(r.latencyMs(), "%.2f")
    };
    List<String> all = new ArrayList<>(List.of(cells));
    extras.forEach(name -> all.add(number(r.extras().getOrDefault(name, Double.NaN), "%.4g")));
    all.add(
        r.worstGroup()
            .map(g -> String.format("%s=%s %.1f%%", g.attribute(), g.group(), 100 * g.accuracy()))
            .orElse("-"));
    cells = all.toArray(String[]::new);
    for (int c = 1; c < cells.length - 1; c++) {
      if (beatsEveryBaseline(r, c)) {
        cells[c] += higherIsBetter(c).orElse(false) ? " ↑" : " ↓";
      }
      if (differsFromEveryBaseline(r, c)) {
        cells[c] += " *";
      }
    }
    return cells;
  }

  /** Aligned plain text for the terminal. */
  public String toText() {
    List<String[]> lines = new ArrayList<>();
    lines.add(header().toArray(String[]::new));
    rows.forEach(r -> lines.add(cells(r)));
    int[] width = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int c = 0; c < line.length; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String[] line = lines.get(i);
      for (int c = 0; c < line.length; c++) {
        String cell = line[c];
        String pad = " ".repeat(width[c] - cell.length());
        text.append(c == 0 ? cell + pad : "  " + pad + cell);
      }
      text.append('\n');
      if (i == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        text.append("-".repeat(total - 2)).append('\n');
      }
    }
    text.append(NOTE).append('\n');
    return text.toString();
  }

  /** A GitHub-flavoured Markdown table. */
  public String toMarkdown() {
    List<String> header = header();
    StringBuilder text = new StringBuilder("| " + String.join(" | ", header) + " |\n|");
    for (int c = 0; c < header.size(); c++) {
      text.append(c == 0 ? "---|" : "---:|");
    }
    text.append('\n');
    for (Row r : rows) {
      String[] cells = cells(r);
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].replace("*", "\\*"); // the significance marker, not emphasis
      }
      if (r.searched()) {
        cells[0] = "**" + cells[0] + "**";
      }
      text.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    return text.toString();
  }

  private static String pct(double v, Interval ci) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format("%.2f", 100 * v)
        + (ci == null ? "" : String.format(" [%.1f, %.1f]", 100 * ci.lower(), 100 * ci.upper()));
  }

  private static String fraction(double v, Interval ci) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format("%.4f", v)
        + (ci == null ? "" : String.format(" [%.3f, %.3f]", ci.lower(), ci.upper()));
  }

  /** The memory cell: measured, or the analytic figure marked so. */
  private static String memory(Row r) {
    String figure = number(r.memoryMb(), "%.1f");
    return r.memoryMeasured() || Double.isNaN(r.memoryMb()) ? figure : figure + " (analytic)";
  }

  private static String number(double v, String format) {
    return Double.isNaN(v) ? "-" : String.format(format, v);
  }
}
