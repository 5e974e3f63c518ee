package io.flnas.examples;

import io.flnas.djl.cluster.ClusterExecutor;
import io.flnas.djl.cluster.ClusterSecret;
import io.flnas.djl.cluster.ClusterSettings;
import io.flnas.djl.cluster.DjlWorkerEvaluators;
import io.flnas.djl.cluster.LocalWorkers;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.cluster.WorkerNode;
import io.flnas.djl.train.DjlEvaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line's cluster options and what they start: nothing (trials in this process), N
 * local worker processes ({@code --workers}), or a coordinator for workers already running
 * ({@code --members}).
 */
final class ClusterOptions {
  @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
      description = "Start N local worker processes (separate JVMs joined on loopback) and train"
          + " the search's trials on them. Default: ${DEFAULT-VALUE} (train in this process).")
  int workers;

  @Option(names = "--parallel", paramLabel = "K",
      description = "Trials in flight. Default: the number of workers, or 1 without workers.")
  Integer parallel;

  @Option(names = "--members", split = ",", paramLabel = "HOST:PORT",
      description = "Use workers already running (started with the worker command) by joining"
          + " these cluster members. Needs the cluster secret in " + ClusterSecret.ENV + " or "
          + ClusterSecret.FILE_ENV + ".")
  List<String> members;

  @Mixin
  MemberOptions member = new MemberOptions();

  @Option(names = "--worker-threads", paramLabel = "N",
      description = "PyTorch threads of each local worker. Default: the processors divided"
          + " among the workers.")
  Integer workerThreads;

  @Option(names = "--worker-max-trials", defaultValue = "20", paramLabel = "N",
      description = "Trials a worker process trains before a fresh process replaces it (native"
          + " memory grows over many trainings); 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int workerMaxTrials;

  @Option(names = "--worker-max-rss-mb", defaultValue = "6000", paramLabel = "MB",
      description = "Resident memory above which a worker process is replaced after its trial;"
          + " 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int workerMaxRssMb;

  boolean clustered() {
    return workers > 0 || (members != null && !members.isEmpty());
  }

  void validate(java.io.PrintStream out) {
    if (clustered()) {
      member.checkTrust(out);
    }
    if (workers < 0) {
      throw new UsageException("--workers must be >= 0, but was " + workers);
    }
    if (workers > 0 && members != null && !members.isEmpty()) {
      throw new UsageException("--workers starts local workers and --members uses running ones;"
          + " give one of them");
    }
    if (parallel != null && parallel < 1) {
      throw new UsageException("--parallel must be >= 1, but was " + parallel);
    }
    if (parallel != null && parallel > 1 && !clustered()) {
      throw new UsageException("--parallel " + parallel + " needs workers (--workers or"
          + " --members): a DJL evaluator trains one model at a time in a process");
    }
    if (workerThreads != null && workerThreads < 0) {
      throw new UsageException("--worker-threads must be >= 0, but was " + workerThreads);
    }
  }

  /** Trials in flight for a cluster of {@code slots} workers. */
  int parallelism(int slots) {
    return parallel != null ? parallel : Math.max(1, slots);
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
   * Starts the coordinator (and the local workers) and waits until the workers have joined and
   * passed the fingerprint check.
   */
  Cluster start(WorkSpec spec, DjlEvaluator evaluator, Path dir, int seedThreads,
      PrintStream out) {
    boolean local = workers > 0;
    ClusterSecret secret = ClusterSecret.fromEnvironment(System.getenv()).orElse(null);
    if (secret == null && !local) {
      throw new UsageException("--members needs the cluster secret the workers were started"
          + " with, in " + ClusterSecret.ENV + " or a file named by " + ClusterSecret.FILE_ENV);
    }
    if (secret == null) {
      secret = ClusterSecret.random();
    }
    ClusterSettings settings = member.settings(members == null ? List.of() : members,
        local ? ClusterSettings.uniqueName() : member.clusterName);
    ClusterExecutor executor = ClusterExecutor.start(settings, secret, spec,
        DjlWorkerEvaluators.fingerprint(evaluator), 3);
    Optional<LocalWorkers> started = Optional.empty();
    try {
      out.println("cluster: coordinator at " + executor.address());
      int expected = 1;
      if (local) {
        int threads = workerThreads != null ? workerThreads
            : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        List<WorkerNode.Options> options = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
          options.add(new WorkerNode.Options("worker-" + i, threads, Optional.empty(),
              workerMaxTrials, workerMaxRssMb));
        }
        started = Optional.of(LocalWorkers.start(options, settings.joining(member.port + 1,
            List.of(executor.address())), secret, new LocalWorkers.Launch(1024,
            dir.resolve("workers"), Map.of("ai.djl.offline",
                System.getProperty("ai.djl.offline", "true")))));
        expected = workers;
        out.println("cluster: started " + workers + " local workers with " + threads
            + " thread(s) each; their logs are in " + dir.resolve("workers"));
      }
      executor.awaitWorkers(expected, Duration.ofMinutes(3));
      out.println("cluster: " + executor.workers().size() + " worker(s) ready: "
          + String.join(", ", executor.workers()));
      return new Cluster(executor, started);
    } catch (RuntimeException e) {
      executor.close();
      started.ifPresent(LocalWorkers::close);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "ClusterOptions" + Arrays.asList(workers, parallel, members, member.bind, member.port);
  }
}
