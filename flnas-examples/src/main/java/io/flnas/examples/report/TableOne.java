package io.flnas.examples.report;

import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessReport;
import io.flnas.search.Baselines;
import io.flnas.search.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The paper's Table I: one row per baseline and per top searched model, with test accuracy, the
 * four fairness figures on the test split, parameters, analytic memory and measured latency. A
 * searched model's cell is marked with an arrow where it beats every baseline (up for higher
 * accuracy, down for lower gaps and costs).
 */
public final class TableOne {
  /** One row. NaN figures print as "-". */
  public record Row(String model, boolean searched, double accuracy, double unfairness,
      double eodd, double eopp1, double eopp2, long parameters, double memoryMb,
      double latencyMs) {

    static Row of(String model, boolean searched, Evaluation e) {
      if (!e.succeeded()) {
        long params = e.hardware() == null ? 0 : e.hardware().parameters();
        return new Row(model + " (failed)", searched, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, params, Double.NaN, Double.NaN);
      }
      FairnessReport f = e.testFairness();
      return new Row(model, searched, e.test().accuracy(), f.unfairness(), f.eodd(), f.eopp1(),
          f.eopp2(), e.hardware().parameters(), e.hardware().analyticMemoryMb(),
          e.hardware().latencyMs());
    }
  }

  private static final String[] HEADER = {"Model", "Accuracy %", "Unfairness", "EODD", "EOPP1",
      "EOPP2", "Params (M)", "Memory (MB)", "Latency (ms)"};

  private final List<Row> rows;

  private TableOne(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /** Baselines first, then the searched trials given (best first). */
  public static TableOne of(List<Baselines.Baseline> baselines, List<Trial> searched) {
    List<Row> rows = new ArrayList<>();
    for (Baselines.Baseline b : baselines) {
      rows.add(Row.of(b.name(), false, b.evaluation()));
    }
    int rank = 1;
    for (Trial t : searched) {
      rows.add(Row.of("FL-NAS #" + rank++ + " (trial " + t.iteration() + ")", true, t.result()));
    }
    return new TableOne(rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** Whether a searched row beats every successful baseline on a metric. */
  public boolean beatsEveryBaseline(Row row, int column) {
    List<Row> baselines = rows.stream().filter(r -> !r.searched() && !Double.isNaN(r.accuracy()))
        .toList();
    if (!row.searched() || baselines.isEmpty()) {
      return false;
    }
    double value = value(row, column);
    if (Double.isNaN(value)) {
      return false;
    }
    for (Row b : baselines) {
      double other = value(b, column);
      boolean better = column == 1 ? value > other : value < other;
      if (!better && !Double.isNaN(other)) {
        return false;
      }
    }
    return true;
  }

  private static double value(Row r, int column) {
    List<ToDoubleFunction<Row>> getters = List.of(x -> 0, Row::accuracy, Row::unfairness,
        Row::eodd, Row::eopp1, Row::eopp2, x -> x.parameters(), Row::memoryMb, Row::latencyMs);
    return getters.get(column).applyAsDouble(r);
  }

  private String[] cells(Row r) {
    String[] cells = {r.model(), pct(r.accuracy()), fraction(r.unfairness()), fraction(r.eodd()),
        fraction(r.eopp1()), fraction(r.eopp2()), String.format("%.2f", r.parameters() / 1e6),
        number(r.memoryMb(), "%.1f"), number(r.latencyMs(), "%.2f")};
    for (int c = 1; c < cells.length; c++) {
      if (beatsEveryBaseline(r, c)) {
        cells[c] += c == 1 ? " ↑" : " ↓";
      }
    }
    return cells;
  }

  /** Aligned plain text for the terminal. */
  public String toText() {
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.forEach(r -> lines.add(cells(r)));
    int[] width = new int[HEADER.length];
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
    text.append("Test split. ↑/↓: beats every baseline. Memory: analytic, batch 2.\n");
    return text.toString();
  }

  /** A GitHub-flavoured Markdown table. */
  public String toMarkdown() {
    StringBuilder text = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n|");
    for (int c = 0; c < HEADER.length; c++) {
      text.append(c == 0 ? "---|" : "---:|");
    }
    text.append('\n');
    for (Row r : rows) {
      String[] cells = cells(r);
      if (r.searched()) {
        cells[0] = "**" + cells[0] + "**";
      }
      text.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    return text.toString();
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.2f", 100 * v);
  }

  private static String fraction(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }

  private static String number(double v, String format) {
    return Double.isNaN(v) ? "-" : String.format(format, v);
  }
}
