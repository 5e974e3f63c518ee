package io.flnas.djl.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flnas.search.Search;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.journal.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three workers as separate JVMs: one is killed with SIGKILL (kill -9) in the middle of a trial,
 * and the search still completes every trial, with the lost attempt recorded; then a coordinator
 * that crashes with trials in flight is followed by another that resumes from the journal with the
 * workers that outlived it. Every process the test started is stopped by its handle, even when an
 * assertion fails. The members run with flnas's lock-down (deserialization allow-list, foreign
 * tasks refused), so this also shows that nothing the protocol needs is refused.
 */
class MultiJvmClusterTest {
  private static final ClusterSecret SECRET = ClusterSecret.of("a secret only this test knows");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void a_worker_killed_mid_trial_and_a_crashed_coordinator_lose_no_trial() throws Exception {
    WorkSpec spec = SleepyEvaluators.spec(1200);
    SearchResult expected =
        ClusterTest.search(Search.builder(ClusterTest.PROBLEM, SleepyEvaluators.evaluator(spec)))
            .maxIterations(8)
            .build()
            .run();
    List<AutoCloseable> coordinators = new ArrayList<>();
    String cluster = ClusterSettings.uniqueName();
    ClusterExecutor first =
        ClusterExecutor.start(
            new ClusterSettings("127.0.0.1", 18701, List.of(), cluster),
            SECRET,
            spec,
            SleepyEvaluators.fingerprint(spec),
            3);
    coordinators.add(first);
    LocalWorkers workers = null;
    try {
      List<WorkerNode.Options> options = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        options.add(new WorkerNode.Options("worker-" + i, 1, Optional.empty(), 0, 0));
      }
      workers =
          LocalWorkers.start(
              options,
              new ClusterSettings("127.0.0.1", 18801, List.of(first.address()), cluster),
              SECRET,
              new LocalWorkers.Launch(192, dir.resolve("logs"), Map.of()));
      first.awaitWorkers(3, Duration.ofSeconds(90));

      // a worker killed with SIGKILL while it runs trial 2
      LocalWorkers local = workers;
      AtomicReference<String> killed = new AtomicReference<>();
      SearchResult result =
          ClusterTest.search(Search.builder(ClusterTest.PROBLEM, first))
              .maxIterations(8)
              .listener(
                  new SearchListener() {
                    @Override
                    public void trialPlaced(int iteration, String worker) {
                      String name = worker.substring(0, worker.indexOf(' '));
                      if (iteration == 2 && killed.compareAndSet(null, name)) {
                        sleep(300);
                        local.processes().get(name).destroyForcibly();
                      }
                    }
                  })
              .build()
              .run();

      assertThat(ClusterTest.trials(result.history()))
          .isEqualTo(ClusterTest.trials(expected.history()));
      Trial second = result.history().get(1);
      assertThat(second.attempts()).hasSize(2);
      assertThat(second.attempts().get(0).worker()).startsWith(killed.get() + " ");
      assertThat(second.attempts().get(0).outcome()).startsWith("worker lost: ");
      assertThat(second.attempts().get(1).outcome()).isEqualTo("completed");
      assertThat(second.attempts().get(1).worker()).doesNotStartWith(killed.get() + " ");
      List<String> survivors = first.workerAddresses();

      // a coordinator that crashes with trials in flight (the crash phase staggers its trials,
      // so trials 2 and 3 surely run on when trial 1 ends) ...
      first.close();
      WorkSpec staggered = SleepyEvaluators.staggered(600);
      ClusterExecutor crashing =
          ClusterExecutor.start(
              new ClusterSettings("127.0.0.1", 18701, survivors, cluster),
              SECRET,
              staggered,
              SleepyEvaluators.fingerprint(staggered),
              3);
      coordinators.add(crashing);
      crashing.awaitWorkers(2, Duration.ofSeconds(90));
      Path journal = dir.resolve("journal.jsonl");
      try (Stream<Trial> trials =
          ClusterTest.search(Search.builder(ClusterTest.PROBLEM, crashing))
              .maxIterations(8)
              .parallelism(3)
              .journal(journal)
              .build()
              .stream()) {
        assertThat(trials.limit(1).count()).isEqualTo(1);
      }
      crashing.crash();
      List<Trial> running =
          Journal.open(
                  journal,
                  ClusterTest.search(
                          Search.builder(
                              ClusterTest.PROBLEM, SleepyEvaluators.evaluator(staggered)))
                      .build()
                      .fingerprint())
              .running();
      assertThat(running).extracting(Trial::iteration).containsExactly(2, 3);

      // ... and another that resumes with the workers that outlived it
      ClusterExecutor second2 =
          ClusterExecutor.start(
              new ClusterSettings("127.0.0.1", 18701, survivors, cluster),
              SECRET,
              staggered,
              SleepyEvaluators.fingerprint(staggered),
              3);
      coordinators.add(second2);
      second2.awaitWorkers(2, Duration.ofSeconds(90));
      SearchResult resumed =
          ClusterTest.search(Search.builder(ClusterTest.PROBLEM, second2))
              .maxIterations(8)
              .journal(journal)
              .build()
              .run();

      assertThat(ClusterTest.trials(resumed.history()))
          .isEqualTo(ClusterTest.trials(expected.history()));
      Map<Integer, Integer> starts = new HashMap<>();
      for (String line : Files.readAllLines(journal)) {
        var node = JSON.readTree(line);
        if (node.path("type").asText().equals("started")) {
          starts.merge(node.get("iteration").asInt(), 1, Integer::sum);
        }
      }
      for (Trial t : running) {
        assertThat(starts.get(t.iteration())).as("trial %s ran again", t.iteration()).isEqualTo(1);
      }
      assertThat(Journal.readTrials(journal)).hasSize(8);
      assertThat(workers.restarts().get(killed.get()))
          .as("the killed worker was started again")
          .isGreaterThanOrEqualTo(1);
      // Nothing Hazelcast's own protocol needed was refused by the deserialization allow-list.
      for (int i = 1; i <= 3; i++) {
        assertThat(Files.readString(dir.resolve("logs/worker-" + i + ".log")))
            .doesNotContain("is not allowed")
            .doesNotContain("refused");
      }
    } finally {
      if (workers != null) {
        workers.close();
        assertThat(workers.everyProcess())
            .isNotEmpty()
            .allSatisfy(p -> assertThat(p.isAlive()).as("process %s", p.pid()).isFalse());
      }
      for (AutoCloseable c : coordinators) {
        try {
          c.close();
        } catch (RuntimeException ignored) {
          // a crashed coordinator is already gone
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
