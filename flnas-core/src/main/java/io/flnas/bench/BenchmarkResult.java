package io.flnas.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * What a {@link BenchmarkRun} measured: per designer, the test accuracy (and, multi-objective, the
 * hypervolume) of every seed at every budget, with summary lines in the form {@code bench:
 * nb201-cifar10 evolution N=100 test 94.05±0.29 (300 seeds)}.
 *
 * @param device the latency device of a multi-objective run, or null
 * @param referencePoint the hypervolume's reference point (test error %, latency ms); empty without
 *     a device
 */
public record BenchmarkResult(
    TabularBenchmark benchmark,
    int seeds,
    String device,
    double[] referencePoint,
    List<Curve> curves) {

  public BenchmarkResult {
    curves = List.copyOf(curves);
  }

  /**
   * One designer's results.
   *
   * @param label the name it was given on the command line
   * @param designer the designer's own name, with its settings
   * @param test per seed, per budget: test accuracy in % of the best-by-validation trial
   * @param hypervolume per seed, per budget; empty unless multi-objective
   * @param tokens per seed, the model's input and output tokens over the whole search ({@code [in,
   *     out]}); zeros for a designer without a model
   */
  public record Curve(
      String label,
      String designer,
      List<Integer> budgets,
      List<List<Double>> test,
      List<List<Double>> hypervolume,
      List<long[]> tokens) {
    public Curve {
      budgets = List.copyOf(budgets);
      test = test.stream().map(List::copyOf).toList();
      hypervolume = hypervolume.stream().map(List::copyOf).toList();
      tokens = tokens.stream().map(long[]::clone).toList();
    }

    /** A curve of a designer that spends no tokens. */
    public Curve(
        String label,
        String designer,
        List<Integer> budgets,
        List<List<Double>> test,
        List<List<Double>> hypervolume) {
      this(label, designer, budgets, test, hypervolume, List.of());
    }

    /** Mean over seeds of the input ({@code 0}) or output ({@code 1}) tokens of a search. */
    public double meanTokens(int kind) {
      return tokens.stream().mapToLong(t -> t[kind]).average().orElse(0);
    }

    /** Mean over seeds of the test accuracy at budget index {@code b}. */
    public double mean(int b) {
      return mean(test, b);
    }

    /** Population standard deviation over seeds at budget index {@code b}. */
    public double std(int b) {
      return std(test, b);
    }

    public double hypervolumeMean(int b) {
      return mean(hypervolume, b);
    }

    public double hypervolumeStd(int b) {
      return std(hypervolume, b);
    }

    private static double mean(List<List<Double>> values, int b) {
      return values.stream().mapToDouble(v -> v.get(b)).average().orElse(Double.NaN);
    }

    private static double std(List<List<Double>> values, int b) {
      double mean = mean(values, b);
      return Math.sqrt(
          values.stream()
              .mapToDouble(v -> (v.get(b) - mean) * (v.get(b) - mean))
              .average()
              .orElse(Double.NaN));
    }
  }

  /** One line per designer and budget, then the published reference points of the table. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (Curve c : curves) {
      for (int b = 0; b < c.budgets().size(); b++) {
        lines.add(
            String.format(
                "bench: %s %s N=%d test %.2f±%.2f (%d seeds)",
                benchmark.name(), c.label(), c.budgets().get(b), c.mean(b), c.std(b), seeds));
      }
    }
    for (Curve c : curves) {
      if (c.meanTokens(0) + c.meanTokens(1) > 0) {
        lines.add(
            String.format(
                "bench: %s %s tokens %.0f in + %.0f out per seed (mean of %d" + " seeds)",
                benchmark.name(), c.label(), c.meanTokens(0), c.meanTokens(1), seeds));
      }
    }
    if (device != null) {
      for (Curve c : curves) {
        for (int b = 0; b < c.budgets().size(); b++) {
          lines.add(
              String.format(
                  "bench: %s %s N=%d hypervolume %.1f±%.1f (test error %% x"
                      + " latency ms on %s, reference point %.0f %%, %.4g ms; %d seeds)",
                  benchmark.name(),
                  c.label(),
                  c.budgets().get(b),
                  c.hypervolumeMean(b),
                  c.hypervolumeStd(b),
                  device,
                  referencePoint[0],
                  referencePoint[1],
                  seeds));
        }
      }
    }
    for (TabularBenchmark.Reference r : benchmark.references()) {
      lines.add(
          String.format(
              "reference: %s %s %s test %.2f%s (%s)",
              benchmark.name(),
              r.method(),
              r.queries() > 0 ? "N=" + r.queries() : "(time budget)",
              r.mean(),
              Double.isNaN(r.std()) ? "" : String.format("±%.2f", r.std()),
              r.source()));
    }
    return lines;
  }

  /**
   * Writes one row per designer, seed and budget: {@code benchmark, designer, seed, budget,
   * test_accuracy[, hypervolume]}.
   */
  public void writeCsv(Path file) throws IOException {
    List<String> header =
        new ArrayList<>(List.of("benchmark", "designer", "seed", "budget", "test_accuracy"));
    if (device != null) {
      header.add("hypervolume");
    }
    try (Writer out = Files.newBufferedWriter(file);
        CSVPrinter csv =
            CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get().print(out)) {
      for (Curve c : curves) {
        for (int seed = 0; seed < c.test().size(); seed++) {
          for (int b = 0; b < c.budgets().size(); b++) {
            List<Object> row =
                new ArrayList<>(
                    List.of(
                        benchmark.name(),
                        c.label(),
                        seed,
                        c.budgets().get(b),
                        c.test().get(seed).get(b)));
            if (device != null) {
              row.add(c.hypervolume().get(seed).get(b));
            }
            csv.printRecord(row);
          }
        }
      }
    }
  }
}
