package io.flnas.examples;

import io.flnas.djl.cluster.ClusterSecret;
import io.flnas.djl.cluster.ClusterSettings;
import io.flnas.djl.cluster.LocalWorkers;
import io.flnas.djl.cluster.WorkerNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flnas worker}: a worker on this machine for a search elsewhere. It runs the worker in a
 * child JVM and supervises it: a fresh process after its trial limit or memory threshold, or after
 * it died or its Hazelcast member shut down. Ctrl-C (SIGTERM) stops it. When the supervisor gives
 * up (the worker could not start, e.g. on a bind address no interface has, or died too often), the
 * command prints one line saying so and exits 1.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start a worker that trains the trials of a search coordinated elsewhere.",
      "The cluster secret comes from "
          + ClusterSecret.ENV
          + " or a file named by "
          + ClusterSecret.FILE_ENV
          + "; the search must use the same one."
    })
final class WorkerCommand implements Callable<Integer> {
  @Option(
      names = "--members",
      split = ",",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Cluster members to join: the search's coordinator or other workers.")
  List<String> members;

  @Mixin MemberOptions member = new MemberOptions();

  @Option(
      names = "--data",
      paramLabel = "SOURCE",
      description =
          "Where the data is on this machine: synthetic or isic:<dir>. Default: what"
              + " the search says.")
  String data;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "PyTorch threads; 0 lets the engine choose. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The worker's name in the cluster. Default: worker-<host>-<pid>.")
  String name;

  @Option(
      names = "--max-trials",
      defaultValue = "20",
      paramLabel = "N",
      description = "Trials before a fresh process; 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int maxTrials;

  @Option(
      names = "--max-rss-mb",
      defaultValue = "6000",
      paramLabel = "MB",
      description =
          "Resident memory above which a fresh process replaces it; 0 for no limit."
              + " Default: ${DEFAULT-VALUE}.")
  int maxRssMb;

  @Option(
      names = "--heap-mb",
      defaultValue = "1024",
      paramLabel = "MB",
      description = "JVM heap of the worker process. Default: ${DEFAULT-VALUE}.")
  int heapMb;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Folder of the decoded-image cache, as the search's --cache: the worker maps the ISIC"
              + " images decoded there, or decodes them there once. Default:"
              + " $XDG_CACHE_HOME/flnas or ~/.cache/flnas.")
  Path cache;

  @Option(
      names = "--logs",
      defaultValue = "flnas-worker-logs",
      paramLabel = "DIR",
      description = "Folder of the worker's log. Default: ${DEFAULT-VALUE}.")
  Path logs;

  private final PrintStream out;

  WorkerCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    member.checkTrust(out);
    member.settings(members, member.clusterName).checkBindable();
    ClusterSecret secret =
        ClusterSecret.fromEnvironment(System.getenv())
            .orElseThrow(
                () ->
                    new UsageException(
                        "worker: no cluster secret: set "
                            + ClusterSecret.ENV
                            + " or "
                            + ClusterSecret.FILE_ENV
                            + " to the secret the search uses"));
    if (data != null && !data.equals("synthetic") && !data.startsWith("isic:")) {
      throw new UsageException(
          "worker: unknown --data '" + data + "'; expected synthetic or" + " isic:<dir>");
    }
    String workerName =
        name != null
            ? name
            : "worker-" + member.bind.replace(':', '_') + "-" + ProcessHandle.current().pid();
    WorkerNode.Options options;
    ClusterSettings settings;
    try {
      options =
          new WorkerNode.Options(
              workerName, threads, Optional.ofNullable(data), maxTrials, maxRssMb);
      settings = member.settings(members, member.clusterName);
    } catch (IllegalArgumentException e) {
      throw new UsageException("worker: " + e.getMessage());
    }
    CompletableFuture<String> stop = new CompletableFuture<>();
    try (LocalWorkers worker =
        LocalWorkers.start(
            List.of(options),
            settings,
            secret,
            new LocalWorkers.Launch(heapMb, logs, ClusterOptions.workerProperties(cache)))) {
      Thread hook =
          new Thread(
              () -> {
                worker.close();
                stop.complete(null);
              },
              "flnas-worker-command-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      out.println(
          "worker "
              + workerName
              + " started (process "
              + worker.processes().values().stream()
                  .map(p -> Long.toString(p.pid()))
                  .findFirst()
                  .orElse("?")
              + "), joining "
              + members
              + "; its log is "
              + logs.resolve(workerName + ".log")
              + "; Ctrl-C stops it");
      String gaveUp;
      try {
        gaveUp = CompletableFuture.anyOf(stop, worker.gaveUp()).thenApply(x -> (String) x).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
      if (gaveUp == null) {
        return 0;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C came at the same moment; the hook closes the workers either way.
      }
      out.println("worker: " + gaveUp);
      return 1;
    }
  }
}
