package io.flnas.djl.bench;

import io.flnas.arch.Shape;
import io.flnas.djl.cluster.ClusterExecutor;
import io.flnas.djl.cluster.ClusterSecret;
import io.flnas.djl.cluster.ClusterSettings;
import io.flnas.djl.cluster.LocalWorkers;
import io.flnas.djl.cluster.SleepyEvaluators;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.cluster.WorkerNode;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trials per minute on a cluster of local worker processes, as a plain main. Run with {@code ./mvnw
 * -q -DskipTests install && ./mvnw -q -pl flnas-djl exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.flnas.djl.bench.ClusterBenchmark -Dexec.skip=false -Dai.djl.offline=true}
 * ({@code -Dexec.args=sleepy} or {@code djl} for one part).
 *
 * <ol>
 *   <li>sleepy: 1, 2 and 4 workers whose trials sleep 2 s, as a GPU trial keeps a worker busy
 *       without using the processor; the efficiency per added worker is trials per minute divided
 *       by (workers times the 1-worker figure);
 *   <li>djl: real DJL training on the 2 cores, 1 worker with 2 threads against 2 workers with 1
 *       thread each, the same 8 random architectures, on the default experiment's data (1,400
 *       synthetic images of 16x16, at most 4 epochs).
 * </ol>
 *
 * <p>Worker start-up is not timed: the clock starts when every worker has joined and passed the
 * fingerprint check.
 */
public final class ClusterBenchmark {
  private static final ClusterSecret SECRET = ClusterSecret.random();

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    String part = args.length > 0 ? args[0] : "all";
    if (part.equals("all") || part.equals("sleepy")) {
      sleepy();
    }
    if (part.equals("all") || part.equals("djl")) {
      djl();
    }
  }

  private static void sleepy() throws Exception {
    WorkSpec spec = SleepyEvaluators.spec(2000);
    Problem problem = new Problem("toy", Shape.image(3, 16, 16), 4);
    double single = 0;
    for (int workers : new int[] {1, 2, 4}) {
      int trials = 6 * workers;
      double perMinute = run(spec, SleepyEvaluators.fingerprint(spec), problem, workers, 0, trials);
      if (workers == 1) {
        single = perMinute;
      }
      System.out.printf(
          "sleepy: %d worker(s), %d trials of 2 s: %.1f trials/min," + " efficiency %.2f%n",
          workers, trials, perMinute, perMinute / (workers * single));
    }
  }

  private static void djl() throws Exception {
    WorkSpec spec = WorkSpec.djl("synthetic", 1400, 16, 42, 4, 2);
    ImageDataset dataset = spec.loadDataset();
    Map<String, String> fingerprint;
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(dataset)
            .maxEpochs(spec.maxEpochs())
            .patience(spec.patience())
            .seed(spec.seed())
            .build()) {
      fingerprint = io.flnas.djl.cluster.DjlWorkerEvaluators.fingerprint(evaluator);
    }
    double one = run(spec, fingerprint, dataset.problem(), 1, 2, 8);
    System.out.printf("djl: 1 worker x 2 threads: %.2f trials/min%n", one);
    double two = run(spec, fingerprint, dataset.problem(), 2, 1, 8);
    System.out.printf("djl: 2 workers x 1 thread: %.2f trials/min (%.2fx)%n", two, two / one);
  }

  /** Trials per minute of a random search with one trial in flight per worker. */
  private static double run(
      WorkSpec spec,
      Map<String, String> fingerprint,
      Problem problem,
      int workers,
      int threads,
      int trials)
      throws Exception {
    Path logs = Files.createTempDirectory("flnas-bench-workers");
    try (ClusterExecutor coordinator =
        ClusterExecutor.start(
            new ClusterSettings("127.0.0.1", 19701, List.of(), ClusterSettings.uniqueName()),
            SECRET,
            spec,
            fingerprint,
            3)) {
      List<WorkerNode.Options> options = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        options.add(new WorkerNode.Options("worker-" + i, threads, Optional.empty(), 0, 0));
      }
      try (LocalWorkers local =
          LocalWorkers.start(
              options,
              new ClusterSettings(
                  "127.0.0.1", 19801, List.of(coordinator.address()), coordinator.clusterName()),
              SECRET,
              new LocalWorkers.Launch(1024, logs, Map.of("ai.djl.offline", "true")))) {
        coordinator.awaitWorkers(workers, Duration.ofMinutes(3));
        long start = System.nanoTime();
        SearchResult result =
            Search.builder(problem, coordinator)
                .designer(Designers.random())
                .space(SearchSpaces.paperCnn())
                .target(DeploymentTargets.unconstrained())
                .maxIterations(trials)
                .seed(7)
                .parallelism(workers)
                .build()
                .run();
        double minutes = (System.nanoTime() - start) / 6e10;
        if (result.completed().size() != trials) {
          throw new IllegalStateException(
              "only "
                  + result.completed().size()
                  + " of "
                  + trials
                  + " trials completed: "
                  + result.history());
        }
        return trials / minutes;
      }
    }
  }
}
