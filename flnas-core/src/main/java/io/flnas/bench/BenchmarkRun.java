package io.flnas.bench;

import com.google.common.base.Preconditions;
import io.flnas.FlNasException;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.StopRules;
import io.flnas.search.Trial;
import io.flnas.search.design.Designer;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objective;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Repeats designers over many seeds on a {@link TabularBenchmark} and reports, per designer and
 * query budget N, the mean and standard deviation over seeds of the test accuracy of the trial with
 * the best validation accuracy among the first N architectures evaluated (the protocol of the
 * NAS-Bench-201 paper and of GENIUS). Each seed is a real {@link Search} with the designer, the
 * benchmark's space and a {@link TabularEvaluator}; a duplicate proposal reuses the earlier
 * evaluation and costs no query. With {@link Builder#pareto(String)} it also reports the
 * hypervolume of the (test error, latency) front of the first N queries.
 *
 * <pre>{@code
 * BenchmarkResult result = BenchmarkRun.builder(TabularBenchmarks.nb201Cifar10())
 *     .designer("evolution", () -> Designers.evolution(10, 3))
 *     .seeds(300).budgets(10, 50, 100).build().run();
 * result.lines().forEach(System.out::println);
 * }</pre>
 */
public final class BenchmarkRun {
  private final TabularBenchmark benchmark;
  private final Map<String, Supplier<Designer>> designers;
  private final int seeds;
  private final List<Integer> budgets;
  private final String device;
  private final int threads;

  private BenchmarkRun(Builder b) {
    this.benchmark = b.benchmark;
    this.designers = new LinkedHashMap<>(b.designers);
    this.seeds = b.seeds;
    this.budgets = b.budgets.stream().sorted().toList();
    this.device = b.device;
    this.threads = b.threads;
  }

  public static Builder builder(TabularBenchmark benchmark) {
    return new Builder(benchmark);
  }

  /** Runs every designer over every seed; seeds run on {@code threads} threads, in any order. */
  public BenchmarkResult run() {
    int maxBudget = budgets.get(budgets.size() - 1);
    TabularEvaluator evaluator = new TabularEvaluator(benchmark, device);
    Objective objective =
        device == null
            ? Objectives.lexicographic(Metric.ACCURACY)
            : Objectives.lexicographic(Metric.ACCURACY, Metric.LATENCY);
    List<BenchmarkResult.Curve> curves = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (Map.Entry<String, Supplier<Designer>> entry : designers.entrySet()) {
        Designer designer = entry.getValue().get();
        List<Future<List<Trial>>> runs = new ArrayList<>();
        List<long[]> tokens = Collections.synchronizedList(new ArrayList<>());
        for (int seed = 0; seed < seeds; seed++) {
          long s = seed;
          runs.add(
              pool.submit(
                  () -> {
                    SearchResult result =
                        Search.builder(benchmark.problem(), evaluator)
                            .space(benchmark.space())
                            .designer(designer)
                            .objective(objective)
                            .target(DeploymentTargets.unconstrained())
                            .maxIterations(maxBudget * 20)
                            .stopWhen(StopRules.evaluations(maxBudget))
                            .seed(s)
                            .build()
                            .run();
                    tokens.add(tokens(result));
                    return queries(result);
                  }));
        }
        List<List<Trial>> perSeed = new ArrayList<>();
        for (Future<List<Trial>> run : runs) {
          perSeed.add(run.get());
        }
        curves.add(
            new BenchmarkResult.Curve(
                entry.getKey(),
                designer.name(),
                budgets,
                perSeed.stream()
                    .map(q -> budgets.stream().map(n -> bestTest(q, n)).toList())
                    .toList(),
                device == null
                    ? List.of()
                    : perSeed.stream()
                        .map(q -> budgets.stream().map(n -> hypervolume(q, n)).toList())
                        .toList(),
                tokens));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlNasException("benchmark run interrupted", e);
    } catch (ExecutionException e) {
      throw new FlNasException(
          "a benchmark search failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new BenchmarkResult(benchmark, seeds, device, referencePoint(), curves);
  }

  /** The model's input and output tokens over a whole search, every exchange counted. */
  private static long[] tokens(SearchResult result) {
    long[] sum = new long[2];
    for (Trial t : result.history()) {
      for (var exchange : t.exchanges()) {
        sum[0] += exchange.inputTokens();
        sum[1] += exchange.outputTokens();
      }
    }
    return sum;
  }

  /** The evaluated architectures of a search, in the order they were queried. */
  private static List<Trial> queries(SearchResult result) {
    return result.history().stream()
        .filter(t -> t.evaluation().isPresent() && t.duplicateOf().isEmpty())
        .toList();
  }

  /** The test accuracy (%) of the best-by-validation trial among the first {@code n} queries. */
  static double bestTest(List<Trial> queries, int n) {
    Trial best = null;
    for (Trial t : queries.subList(0, Math.min(n, queries.size()))) {
      if (t.result().succeeded()
          && (best == null || t.result().accuracy() > best.result().accuracy())) {
        best = t;
      }
    }
    return best == null ? Double.NaN : 100 * best.result().test().accuracy();
  }

  /**
   * The area dominated by the (test error %, latency ms) points of the first {@code n} queries, up
   * to the {@link #referencePoint()}: larger is better.
   */
  double hypervolume(List<Trial> queries, int n) {
    double[] reference = referencePoint();
    List<double[]> points = new ArrayList<>();
    for (Trial t : queries.subList(0, Math.min(n, queries.size()))) {
      if (t.result().succeeded()) {
        points.add(
            new double[] {
              100 - 100 * t.result().test().accuracy(), t.result().hardware().latencyMs()
            });
      }
    }
    return Hypervolume.of2d(points, reference);
  }

  /** (100 % error, the slowest latency of the whole table on the device); empty without one. */
  double[] referencePoint() {
    if (device == null) {
      return new double[0];
    }
    double slowest = 0;
    for (long i = 0; i < benchmark.space().size(); i++) {
      slowest = Math.max(slowest, benchmark.row(i).latencyMs().get(device));
    }
    return new double[] {100, slowest};
  }

  /** Settings of a {@link BenchmarkRun}. */
  public static final class Builder {
    private final TabularBenchmark benchmark;
    private final Map<String, Supplier<Designer>> designers = new LinkedHashMap<>();
    private int seeds = 300;
    private List<Integer> budgets = List.of(10, 50, 100);
    private String device;
    private int threads = Runtime.getRuntime().availableProcessors();

    private Builder(TabularBenchmark benchmark) {
      Preconditions.checkArgument(benchmark != null, "benchmark must not be null");
      this.benchmark = benchmark;
    }

    /**
     * A designer under {@code label}; {@code designer} is called once and its designer serves every
     * seed (so it must be thread-safe, as the ready-made ones are).
     */
    public Builder designer(String label, Supplier<Designer> designer) {
      Preconditions.checkArgument(label != null && !label.isBlank(), "label must not be blank");
      Preconditions.checkArgument(
          !designers.containsKey(label), "designer '%s' given twice", label);
      designers.put(label, designer);
      return this;
    }

    /** Seeds 0 to {@code value - 1}; default 300. */
    public Builder seeds(int value) {
      Preconditions.checkArgument(value > 0, "seeds must be > 0, but was %s", value);
      this.seeds = value;
      return this;
    }

    /** Query budgets N; default 10, 50, 100. */
    public Builder budgets(int... values) {
      Preconditions.checkArgument(values.length > 0, "budgets must not be empty");
      List<Integer> list = new ArrayList<>();
      for (int v : values) {
        Preconditions.checkArgument(v > 0, "budgets must be > 0, but one was %s", v);
        list.add(v);
      }
      this.budgets = List.copyOf(list);
      return this;
    }

    /**
     * Multi-objective: rank by validation accuracy, then latency on {@code device}, and report the
     * hypervolume of (test error, latency) as well. Default: accuracy only.
     */
    public Builder pareto(String value) {
      Preconditions.checkArgument(
          benchmark.devices().contains(value),
          "%s has no latency for device '%s'; it has %s",
          benchmark.name(),
          value,
          benchmark.devices());
      this.device = value;
      return this;
    }

    /** Threads running seeds at once; default the available processors. */
    public Builder threads(int value) {
      Preconditions.checkArgument(value > 0, "threads must be > 0, but was %s", value);
      this.threads = value;
      return this;
    }

    public BenchmarkRun build() {
      Preconditions.checkState(!designers.isEmpty(), "at least one designer is needed");
      return new BenchmarkRun(this);
    }
  }
}
