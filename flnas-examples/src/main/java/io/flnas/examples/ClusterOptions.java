package io.flnas.examples;

import io.flnas.djl.cluster.ClusterExecutor;
import io.flnas.djl.cluster.ClusterSecret;
import io.flnas.djl.cluster.ClusterSettings;
import io.flnas.djl.cluster.DjlWorkerEvaluators;
import io.flnas.djl.cluster.LocalWorkers;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.cluster.WorkerNode;
import io.flnas.djl.data.Isic2019;
import io.flnas.djl.train.DjlEvaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line's cluster options, and what a plan's cluster settings start: nothing (trials in
 * this process), N local worker processes ({@code --workers}), or a coordinator for workers already
 * running ({@code --members}).
 */
final class ClusterOptions {
  @Option(
      names = "--workers",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Start N local worker processes (separate JVMs joined on loopback) and train"
              + " the search's trials on them. Default: ${DEFAULT-VALUE} (train in this process).")
  int workers;

  @Option(
      names = "--parallel",
      paramLabel = "K",
      description = "Trials in flight. Default: the number of workers, or 1 without workers.")
  Integer parallel;

  @Option(
      names = "--members",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "Use workers already running (started with the worker command) by joining"
              + " these cluster members. Needs the cluster secret in "
              + ClusterSecret.ENV
              + " or "
              + ClusterSecret.FILE_ENV
              + ".")
  List<String> members;

  @Mixin MemberOptions member = new MemberOptions();

  @Option(
      names = "--worker-threads",
      paramLabel = "N",
      description =
          "PyTorch threads of each local worker. Default: the processors divided"
              + " among the workers.")
  Integer workerThreads;

  @Option(
      names = "--worker-max-trials",
      defaultValue = "20",
      paramLabel = "N",
      description =
          "Trials a worker process trains before a fresh process replaces it (native"
              + " memory grows over many trainings); 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int workerMaxTrials;

  @Option(
      names = "--worker-max-rss-mb",
      defaultValue = "6000",
      paramLabel = "MB",
      description =
          "Resident memory above which a worker process is replaced after its trial;"
              + " 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int workerMaxRssMb;

  /** The options as the plan's cluster settings. */
  RunPlan.Cluster plan() {
    return new RunPlan.Cluster(
        workers,
        parallel,
        members == null ? List.of() : members,
        member.bind,
        member.trustedNetwork,
        member.port,
        member.clusterName,
        workerThreads,
        workerMaxTrials,
        workerMaxRssMb);
  }

  /**
   * The system properties of the local workers: offline as this process is, and the decoded-image
   * cache this process uses ({@code --cache}, else the default), so that every local worker maps
   * the file the coordinator decoded instead of decoding the images again.
   */
  static Map<String, String> workerProperties(Path cache) {
    return Map.of(
        "ai.djl.offline",
        System.getProperty("ai.djl.offline", "true"),
        Isic2019.CACHE_PROPERTY,
        (cache != null ? cache : Isic2019.defaultCache()).toAbsolutePath().toString());
  }

  /** A started cluster: the coordinator, and the local workers when this process started them. */
  record Cluster(ClusterExecutor executor, Optional<LocalWorkers> local) implements AutoCloseable {
    @Override
    public void close() {
      try {
        executor.close();
      } finally {
        local.ifPresent(LocalWorkers::close);
      }
    }
  }

  /**
   * Starts the coordinator (and the local workers) of a clustered plan and waits until the workers
   * have joined and passed the fingerprint check.
   */
  static Cluster start(
      RunPlan.Cluster plan,
      WorkSpec spec,
      DjlEvaluator evaluator,
      Path dir,
      Path cache,
      PrintStream out) {
    int workers = plan.workers();
    boolean local = workers > 0;
    ClusterSecret secret = ClusterSecret.fromEnvironment(System.getenv()).orElse(null);
    if (secret == null && !local) {
      throw new UsageException(
          "--members needs the cluster secret the workers were started"
              + " with, in "
              + ClusterSecret.ENV
              + " or a file named by "
              + ClusterSecret.FILE_ENV);
    }
    if (secret == null) {
      secret = ClusterSecret.random();
    }
    ClusterSettings settings =
        MemberOptions.settings(
            plan.bind(),
            plan.port(),
            plan.members(),
            local ? ClusterSettings.uniqueName() : plan.clusterName());
    ClusterExecutor executor =
        ClusterExecutor.start(
            settings, secret, spec, DjlWorkerEvaluators.fingerprint(evaluator), 3);
    Optional<LocalWorkers> started = Optional.empty();
    try {
      out.println("cluster: coordinator at " + executor.address());
      int expected = 1;
      if (local) {
        int threads =
            plan.workerThreads() != null
                ? plan.workerThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        List<WorkerNode.Options> options = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
          options.add(
              new WorkerNode.Options(
                  "worker-" + i,
                  threads,
                  Optional.empty(),
                  plan.workerMaxTrials(),
                  plan.workerMaxRssMb()));
        }
        started =
            Optional.of(
                LocalWorkers.start(
                    options,
                    settings.joining(plan.port() + 1, List.of(executor.address())),
                    secret,
                    new LocalWorkers.Launch(
                        HeapSize.megabytes(spec),
                        dir.resolve("workers"),
                        workerProperties(cache))));
        expected = workers;
        out.println(
            "cluster: started "
                + workers
                + " local workers with "
                + threads
                + " thread(s) each; their logs are in "
                + dir.resolve("workers"));
      }
      executor.awaitWorkers(expected, Duration.ofMinutes(3));
      out.println(
          "cluster: "
              + executor.workers().size()
              + " worker(s) ready: "
              + String.join(", ", executor.workers()));
      return new Cluster(executor, started);
    } catch (RuntimeException e) {
      executor.close();
      started.ifPresent(LocalWorkers::close);
      throw e;
    }
  }
}
