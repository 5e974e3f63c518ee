package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.OutOfMemoryHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of one worker process, as {@link LocalWorkers} and the {@code worker} command
 * start it: {@code java ... io.flnas.djl.cluster.WorkerMain '<options JSON>'}. The secret comes
 * from the environment ({@link ClusterSecret#ENV}), never from the command line. The process ends
 * when the worker leaves: status 0 on SIGTERM, {@link WorkerNode#RECYCLE_EXIT} when it asks for a
 * fresh process, and it leaves on its own when the process that started it is gone, so a killed
 * coordinator leaves no orphans.
 *
 * <p>A worker that cannot go on ends, for its supervisor to start a fresh one or to give up: {@link
 * WorkerNode#START_FAILED_EXIT} with one line when its member cannot start (e.g. nothing matches
 * its bind address; a fresh process would fail the same way), {@link WorkerNode#MEMBER_LOST_EXIT}
 * when its member shut down without it asking, {@link WorkerNode#FATAL_EXIT} when Hazelcast runs
 * out of memory. The last is the one process-wide setting here, Hazelcast's {@link
 * OutOfMemoryHandler}: this class owns its process, and a member out of memory is not worth keeping
 * alive (Hazelcast's default handler would shut the member down and leave the JVM running).
 */
public final class WorkerMain {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkerMain() {}

  /** The options argument for a worker. */
  static String argument(WorkerNode.Options options, ClusterSettings settings, long parentPid) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", options.name())
        .put("threads", options.threads())
        .put("max_trials", options.maxTrials())
        .put("max_resident_mb", options.maxResidentMb())
        .put("bind", settings.bind())
        .put("port", settings.port())
        .put("parent_pid", parentPid)
        .put("cluster", settings.name());
    options.data().ifPresent(d -> node.put("data", d));
    settings.members().forEach(node.putArray("members")::add);
    return node.toString();
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: WorkerMain '<options JSON>' (started by flnas, not by hand)");
      System.exit(64);
    }
    JsonNode node = JSON.readTree(args[0]);
    WorkerNode.Options options =
        new WorkerNode.Options(
            node.path("name").asText(),
            node.path("threads").asInt(),
            node.hasNonNull("data") ? Optional.of(node.get("data").asText()) : Optional.empty(),
            node.path("max_trials").asInt(),
            node.path("max_resident_mb").asInt());
    List<String> members = new ArrayList<>();
    node.path("members").forEach(m -> members.add(m.asText()));
    ClusterSettings settings =
        new ClusterSettings(
            node.path("bind").asText(),
            node.path("port").asInt(),
            members,
            node.path("cluster").asText(ClusterSettings.DEFAULT_NAME));
    ClusterSecret secret = ClusterSecret.fromEnvironment(System.getenv()).orElse(null);
    if (secret == null) {
      System.err.println(
          options.name()
              + ": no cluster secret: set "
              + ClusterSecret.ENV
              + " or "
              + ClusterSecret.FILE_ENV);
      System.exit(2);
    }
    Hazelcast.setOutOfMemoryHandler(
        new OutOfMemoryHandler() {
          @Override
          public void onOutOfMemory(OutOfMemoryError error, HazelcastInstance[] instances) {
            System.err.println(
                options.name()
                    + ": its Hazelcast member ran out of memory; ending for"
                    + " a fresh process");
            Runtime.getRuntime().halt(WorkerNode.FATAL_EXIT);
          }
        });
    WorkerNode worker;
    try {
      worker = WorkerNode.start(options, secret, settings);
    } catch (RuntimeException e) {
      System.err.println(
          options.name()
              + ": cannot start its cluster member on "
              + settings.bind()
              + ": "
              + Protocol.rootMessage(e).replaceAll("\\s*\\R\\s*", " "));
      System.exit(WorkerNode.START_FAILED_EXIT);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  io.flnas.djl.train.DjlEvaluator.holdTrainingForExit(
                      java.time.Duration.ofSeconds(30));
                  worker.leave(0);
                },
                "flnas-worker-stop"));
    long parentPid = node.path("parent_pid").asLong(0);
    if (parentPid > 0) {
      ProcessHandle.of(parentPid)
          .ifPresentOrElse(
              parent ->
                  parent
                      .onExit()
                      .thenRun(
                          () -> {
                            LOG.info(
                                "{}: the process that started it ({}) is gone; leaving",
                                options.name(),
                                parentPid);
                            worker.leave(0);
                          }),
              () -> worker.leave(0));
    }
    int status = worker.awaitLeave();
    System.exit(status);
  }
}
