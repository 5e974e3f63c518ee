package io.flnas.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.design.Designers;
import io.flnas.search.promote.Halving;
import io.flnas.search.promote.RungEvaluator;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How busy successive halving keeps its workers, asynchronous (ASHA) against synchronous: {@code
 * workers} in-process slots whose trials sleep {@value #MILLIS_PER_EPOCH} ms per epoch of their
 * rung, {@code trials} trials under {@code Halving.of(1, 3, 9)}, the random designer, accuracy from
 * the test suite's cheap evaluator scaled by {@code 1 - 2^-epochs}. Busy is the fraction of
 * worker-seconds spent training between the first start and the last end; each figure is the mean
 * over {@code seeds} searches (seeds 1..n), with the lowest in brackets. Run with
 *
 * <pre>
 * ./mvnw -q -pl flnas-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.flnas.bench.HalvingBenchmark -Dexec.skip=false \
 *     -Dexec.args="4 27 10"
 * </pre>
 *
 * <p>and it prints {@code halving: async busy X% sync busy Y% (4 workers, 27 trials)}.
 */
public final class HalvingBenchmark {
  static final long MILLIS_PER_EPOCH = 40;
  private static final Problem PROBLEM = new Problem("toy", Shape.image(3, 16, 16), 4);

  private HalvingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 27;
    int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    double[] async = busy(Halving.Mode.ASYNC, workers, trials, seeds);
    double[] sync = busy(Halving.Mode.SYNC, workers, trials, seeds);
    System.out.printf(
        Locale.ROOT,
        "halving: async busy %.0f%% sync busy %.0f%% (%d workers, %d"
            + " trials)  [lowest: async %.0f%%, sync %.0f%%; mean of %d seeds; %d ms per epoch;"
            + " epochs in all: async %.0f, sync %.0f]%n",
        100 * async[0],
        100 * sync[0],
        workers,
        trials,
        100 * async[1],
        100 * sync[1],
        seeds,
        MILLIS_PER_EPOCH,
        async[2],
        sync[2]);
  }

  /** Mean busy fraction, lowest busy fraction, mean epochs trained. */
  private static double[] busy(Halving.Mode mode, int workers, int trials, int seeds)
      throws Exception {
    double sum = 0;
    double lowest = 1;
    double epochs = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      Sleeper sleeper = new Sleeper();
      Path rungs = Files.createTempDirectory("flnas-halving-bench");
      Search.builder(PROBLEM, sleeper)
          .designer(Designers.random())
          .space(SearchSpaces.tiny())
          .target(DeploymentTargets.unconstrained())
          .objective(Objectives.lexicographic(Metric.ACCURACY))
          .maxIterations(trials)
          .seed(seed)
          .parallelism(workers)
          .halving(Halving.of(1, 3, 9).mode(mode).checkpoints(rungs))
          .build()
          .run();
      double busy = sleeper.busy(workers);
      sum += busy;
      lowest = Math.min(lowest, busy);
      epochs += sleeper.epochs;
    }
    return new double[] {sum / seeds, lowest, epochs / seeds};
  }

  /** Sleeps in proportion to a rung's epochs and notes when each training ran. */
  private static final class Sleeper implements RungEvaluator {
    private final CheapEvaluator cheap = new CheapEvaluator();
    private final List<long[]> spans = new ArrayList<>();
    private int epochs;

    @Override
    public Evaluation evaluate(Architecture architecture) {
      throw new UnsupportedOperationException("trains in rungs");
    }

    @Override
    public Evaluation evaluate(Architecture architecture, Rung rung, EpochListener listener) {
      long start = System.nanoTime();
      try {
        Thread.sleep(MILLIS_PER_EPOCH * rung.epochs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      long end = System.nanoTime();
      synchronized (this) {
        spans.add(new long[] {start, end});
        epochs += rung.epochs();
      }
      int total = rung.index() == 0 ? rung.epochs() : rung.epochs() + (rung.index() == 1 ? 1 : 3);
      Evaluation full = cheap.evaluate(architecture);
      double accuracy = full.accuracy() * (1 - Math.pow(0.5, total));
      return new Evaluation(
          full.train(),
          new SplitMetrics(1 - accuracy, accuracy),
          full.test(),
          rung.epochs(),
          0,
          full.validationFairness(),
          full.testFairness(),
          full.hardware(),
          java.util.Optional.empty());
    }

    synchronized double busy(int workers) {
      long first = spans.stream().mapToLong(s -> s[0]).min().orElseThrow();
      long last = spans.stream().mapToLong(s -> s[1]).max().orElseThrow();
      long training = spans.stream().mapToLong(s -> s[1] - s[0]).sum();
      return training / (double) (workers * (last - first));
    }
  }
}
