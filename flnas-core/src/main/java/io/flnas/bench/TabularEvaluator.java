package io.flnas.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Evaluator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link Evaluator} that answers from a {@link TabularBenchmark} instead of training: the
 * validation accuracy is the table's search signal, the test accuracy its reported column (kept for
 * the report; a designer ranks by validation), parameters and MACs come from the analytic {@link
 * Cost} (equal to the benchmark's own counts, see the tests), and each measured latency of the
 * table is an extra value {@code latency_ms_<device>}; with a {@code device} chosen, that latency
 * is also the evaluation's latency. The table holds no per-group results, so fairness is not
 * measured. Thread-safe and cheap: a search over it takes milliseconds, and each query is a trial
 * like any other (journaled where the search has a journal).
 *
 * <pre>{@code
 * TabularBenchmark bench = TabularBenchmarks.nb201Cifar10();
 * Search search = Search.builder(bench.problem(), new TabularEvaluator(bench))
 *     .space(bench.space()).designer(Designers.evolution(10, 3)).maxIterations(100).build();
 * }</pre>
 */
public final class TabularEvaluator implements Evaluator {
  private final TabularBenchmark benchmark;
  private final Optional<String> device;

  public TabularEvaluator(TabularBenchmark benchmark) {
    this(benchmark, null);
  }

  /**
   * @param device one of {@link TabularBenchmark#devices()} whose latency is the evaluation's
   *     latency, or null for none
   * @throws IllegalArgumentException naming the device when the table has no such latency
   */
  public TabularEvaluator(TabularBenchmark benchmark, String device) {
    if (device != null && !benchmark.devices().contains(device)) {
      throw new IllegalArgumentException(
          benchmark.name()
              + " has no latency for device '"
              + device
              + "'; it has "
              + (benchmark.devices().isEmpty() ? "none" : String.join(", ", benchmark.devices())));
    }
    this.benchmark = benchmark;
    this.device = Optional.ofNullable(device);
  }

  @Override
  public Evaluation evaluate(Architecture architecture) {
    Cost cost = Cost.of(architecture);
    Optional<TabularBenchmark.Row> row = benchmark.row(architecture);
    if (row.isEmpty()) {
      return Evaluation.failed(
          "not a network of " + benchmark.name() + ": " + architecture.summary(),
          HardwareReport.analytic(cost));
    }
    TabularBenchmark.Row r = row.get();
    double latency = device.map(d -> r.latencyMs().get(d)).orElse(Double.NaN);
    HardwareReport hardware =
        new HardwareReport(
            cost.parameters(),
            cost.macs(),
            cost.memoryMb(),
            latency,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            "table " + benchmark.name() + device.map(d -> " on " + d).orElse(""));
    Map<String, Double> extras = new HashMap<>();
    r.latencyMs().forEach((d, ms) -> extras.put("latency_ms_" + d, ms));
    return new Evaluation(
        SplitMetrics.UNKNOWN,
        new SplitMetrics(Double.NaN, r.signal() / 100),
        new SplitMetrics(Double.NaN, r.test() / 100),
        0,
        0,
        notMeasured(r.signal() / 100),
        notMeasured(r.test() / 100),
        hardware,
        Optional.empty(),
        java.util.List.of(),
        Optional.empty(),
        extras);
  }

  /** The table has no per-group results: fairness figures are NaN (journaled as null). */
  private static FairnessReport notMeasured(double accuracy) {
    return new FairnessReport(
        0, accuracy, java.util.List.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  @Override
  public String name() {
    return "table(" + benchmark.name() + device.map(d -> ", latency on " + d).orElse("") + ")";
  }
}
