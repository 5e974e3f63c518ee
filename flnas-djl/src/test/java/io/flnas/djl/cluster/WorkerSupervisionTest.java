package io.flnas.djl.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes that cannot go on: one whose Hazelcast member shuts down behind its back ends
 * and its supervisor starts a fresh one, and one that cannot bind ends with one line and its
 * supervisor gives up, saying so. Every process the test started is stopped by its handle, even
 * when an assertion fails.
 */
class WorkerSupervisionTest {
  private static final ClusterSecret SECRET = ClusterSecret.of("a secret of the supervision test");

  @TempDir Path dir;

  @Test
  void a_worker_whose_member_shuts_down_exits_and_its_supervisor_starts_a_fresh_one()
      throws Exception {
    WorkSpec spec = SleepyEvaluators.shuttingDownOnce(300, dir.resolve("shut-down"));
    String cluster = ClusterSettings.uniqueName();
    try (ClusterExecutor coordinator =
            ClusterExecutor.start(
                new ClusterSettings("127.0.0.1", 20701, List.of(), cluster),
                SECRET,
                spec,
                SleepyEvaluators.fingerprint(spec),
                3);
        LocalWorkers workers =
            LocalWorkers.start(
                List.of(new WorkerNode.Options("worker-1", 1, Optional.empty(), 0, 0)),
                new ClusterSettings("127.0.0.1", 20801, List.of(coordinator.address()), cluster),
                SECRET,
                new LocalWorkers.Launch(128, dir.resolve("logs"), Map.of()))) {
      try {
        coordinator.awaitWorkers(1, Duration.ofSeconds(60));

        SearchResult result =
            ClusterTest.search(Search.builder(ClusterTest.PROBLEM, coordinator))
                .maxIterations(2)
                .build()
                .run();

        Trial first = result.history().get(0);
        assertThat(first.completed()).isTrue();
        assertThat(first.attempts())
            .extracting(a -> a.outcome().replaceAll(":.*", ""))
            .containsExactly("worker lost", "completed");
        assertThat(workers.restarts()).containsEntry("worker-1", 1);
        assertThat(Files.readString(dir.resolve("logs/worker-1.log")))
            .contains(
                "worker-1: its Hazelcast member shut down without it asking; leaving for a"
                    + " fresh process");
        assertThat(workers.gaveUp()).isNotDone();
      } finally {
        workers.close();
        assertThat(workers.everyProcess())
            .hasSize(2)
            .allSatisfy(p -> assertThat(p.isAlive()).as("process %s", p.pid()).isFalse());
      }
    }
  }

  @Test
  void a_worker_that_cannot_bind_ends_with_one_line_and_its_supervisor_gives_up() throws Exception {
    try (LocalWorkers workers =
        LocalWorkers.start(
            List.of(new WorkerNode.Options("worker-1", 1, Optional.empty(), 0, 0)),
            new ClusterSettings("0.0.0.0", 20901, List.of(), ClusterSettings.uniqueName()),
            SECRET,
            new LocalWorkers.Launch(128, dir.resolve("logs"), Map.of()))) {
      String gaveUp = workers.gaveUp().get(60, TimeUnit.SECONDS);

      String line =
          "worker-1: cannot start its cluster member on 0.0.0.0: no network interface"
              + " of this machine has the address 0.0.0.0 (a wildcard address: bind to one"
              + " interface's address); cannot bind a cluster member to it";
      assertThat(gaveUp)
          .startsWith(
              "gave up on worker-1: it could not start (status 78); not"
                  + " starting it again; its last words: "
                  + line);
      assertThat(Files.readAllLines(dir.resolve("logs/worker-1.log"))).containsExactly(line);
      assertThat(workers.restarts()).containsEntry("worker-1", 0);
      workers.close();
      assertThat(workers.everyProcess())
          .singleElement()
          .satisfies(p -> assertThat(p.isAlive()).isFalse());
    }
  }
}
