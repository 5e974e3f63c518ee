package io.flnas.djl.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.FlNasException;
import io.flnas.arch.Shape;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster with its members in this JVM: quick checks of the protocol (results, secrets,
 * fingerprints). {@link MultiJvmClusterTest} runs workers as separate processes and kills one.
 */
class ClusterTest {
  static final Problem PROBLEM = new Problem("toy skin lesions", Shape.image(3, 16, 16), 4);
  private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple");
  private final List<AutoCloseable> members = new ArrayList<>();

  @AfterEach
  void stopEveryMember() throws Exception {
    for (AutoCloseable member : members) {
      member.close();
    }
  }

  private ClusterExecutor coordinator(int port, WorkSpec spec) {
    ClusterExecutor coordinator =
        ClusterExecutor.start(
            new ClusterSettings("127.0.0.1", port, List.of(), ClusterSettings.uniqueName()),
            SECRET,
            spec,
            SleepyEvaluators.fingerprint(spec),
            3);
    members.add(coordinator);
    return coordinator;
  }

  private WorkerNode worker(
      ClusterExecutor coordinator, String name, ClusterSecret secret, Optional<String> data) {
    WorkerNode worker =
        WorkerNode.start(
            new WorkerNode.Options(name, 1, data, 0, 0),
            secret,
            new ClusterSettings(
                "127.0.0.1", 5801, List.of(coordinator.address()), coordinator.clusterName()));
    members.add(0, worker);
    return worker;
  }

  static Search.Builder search(Search.Builder builder) {
    return builder
        .designer(Designers.random())
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(6)
        .seed(5);
  }

  static List<String> trials(List<Trial> history) {
    return history.stream()
        .map(
            t ->
                t.iteration()
                    + " "
                    + t.status()
                    + " "
                    + t.hash().orElse("-")
                    + " "
                    + t.evaluation().map(e -> e.accuracy() + " " + e.unfairness()).orElse("-"))
        .collect(Collectors.toList());
  }

  @Test
  void two_workers_give_the_results_of_the_in_process_search_with_each_attempt_recorded() {
    WorkSpec spec = SleepyEvaluators.spec(50);
    ClusterExecutor coordinator = coordinator(15701, spec);
    worker(coordinator, "worker-1", SECRET, Optional.empty());
    worker(coordinator, "worker-2", SECRET, Optional.empty());
    coordinator.awaitWorkers(2, Duration.ofSeconds(30));
    List<String> placed = new java.util.concurrent.CopyOnWriteArrayList<>();

    SearchResult clustered =
        search(Search.builder(PROBLEM, coordinator))
            .listener(
                new io.flnas.search.SearchListener() {
                  @Override
                  public void trialPlaced(int iteration, String worker) {
                    placed.add(iteration + "@" + worker.substring(0, worker.indexOf(' ')));
                  }
                })
            .build()
            .run();
    SearchResult local =
        search(Search.builder(PROBLEM, SleepyEvaluators.evaluator(spec))).build().run();

    assertThat(coordinator.slots()).isEqualTo(2);
    assertThat(trials(clustered.history())).isEqualTo(trials(local.history()));
    assertThat(clustered.history())
        .filteredOn(t -> t.duplicateOf().isEmpty())
        .allSatisfy(
            t ->
                assertThat(t.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.outcome()).isEqualTo("completed")));
    assertThat(placed)
        .anyMatch(p -> p.endsWith("@worker-1"))
        .anyMatch(p -> p.endsWith("@worker-2"));
  }

  @Test
  void a_worker_past_its_trial_limit_finishes_its_trial_gets_nothing_more_and_leaves_to_recycle()
      throws Exception {
    WorkSpec spec = SleepyEvaluators.spec(30);
    ClusterExecutor coordinator = coordinator(18901, spec);
    WorkerNode tired =
        WorkerNode.start(
            new WorkerNode.Options("worker-1", 1, Optional.empty(), 2, 0),
            SECRET,
            new ClusterSettings(
                "127.0.0.1", 5801, List.of(coordinator.address()), coordinator.clusterName()));
    members.add(0, tired);
    worker(coordinator, "worker-2", SECRET, Optional.empty());
    coordinator.awaitWorkers(2, Duration.ofSeconds(30));

    SearchResult result =
        search(Search.builder(PROBLEM, coordinator)).maxIterations(8).build().run();

    assertThat(result.history()).allSatisfy(t -> assertThat(t.completed()).isTrue());
    assertThat(tired.served()).isEqualTo(2);
    assertThat(tired.awaitLeave()).isEqualTo(WorkerNode.RECYCLE_EXIT);
    assertThat(
            result.history().stream()
                .flatMap(t -> t.attempts().stream())
                .filter(a -> a.worker().startsWith("worker-1 "))
                .count())
        .isEqualTo(2);
  }

  @Test
  void a_worker_with_another_secret_is_skipped_and_named_when_too_few_workers_pass() {
    WorkSpec spec = SleepyEvaluators.spec(10);
    ClusterExecutor coordinator = coordinator(16701, spec);
    worker(
        coordinator,
        "worker-1",
        ClusterSecret.of("another secret entirely, 32 bytes"),
        Optional.empty());

    assertThatThrownBy(() -> coordinator.awaitWorkers(1, Duration.ofSeconds(3)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining(
            "only 0 of 1 workers joined the cluster at "
                + coordinator.address()
                + " and passed its challenge within 3 s")
        .hasMessageContaining("skipped: member at 127.0.0.1:")
        .hasMessageContaining(
            "calling itself 'worker-1' failed the challenge: worker-1 refused"
                + " a request: a missing or wrong HMAC signature")
        .hasMessageNotContaining("correct horse");
  }

  @Test
  void a_worker_with_other_data_is_refused_saying_what_differs() {
    WorkSpec spec = SleepyEvaluators.spec(10);
    ClusterExecutor coordinator = coordinator(17701, spec);
    worker(coordinator, "worker-1", SECRET, Optional.empty());
    worker(coordinator, "worker-2", SECRET, Optional.of("isic:/data/elsewhere"));

    assertThatThrownBy(() -> coordinator.awaitWorkers(2, Duration.ofSeconds(30)))
        .isInstanceOf(FlNasException.class)
        .hasMessageContaining("worker-2 (127.0.0.1:")
        .hasMessageContaining(
            "data: coordinator has 'synthetic', worker-2 has" + " 'isic:/data/elsewhere'")
        .hasMessageNotContaining("worker-1");
  }

  @Test
  void a_reply_with_a_wrong_signature_for_another_request_or_from_another_member_is_rejected() {
    UUID worker = UUID.randomUUID();
    Protocol.Envelope sent = new Protocol.Envelope("n-1", worker, UUID.randomUUID(), Instant.now());
    String reply = "{\"nonce\":\"n-1\",\"member\":\"" + worker + "\",\"worker\":\"worker-1\"}";
    Signed forged = Signed.by(ClusterSecret.of("not the cluster's secret at all"), reply);

    assertThatThrownBy(() -> Protocol.readReply(forged, sent, SECRET, "worker-1"))
        .hasMessage(
            "the reply of worker-1 has a missing or wrong HMAC signature; it was rejected"
                + " (is the worker using another cluster secret?)");
    assertThatThrownBy(() -> Protocol.readReply(new Signed(reply, ""), sent, SECRET, "worker-1"))
        .hasMessageContaining("missing or wrong HMAC signature");
    Protocol.Envelope other = new Protocol.Envelope("n-2", worker, sent.from(), sent.time());
    assertThatThrownBy(
            () -> Protocol.readReply(Signed.by(SECRET, reply), other, SECRET, "worker-1"))
        .hasMessage("the reply of worker-1 answers another request; rejected");
    Protocol.Envelope toAnother =
        new Protocol.Envelope("n-1", UUID.randomUUID(), sent.from(), sent.time());
    assertThatThrownBy(
            () -> Protocol.readReply(Signed.by(SECRET, reply), toAnother, SECRET, "worker-2"))
        .hasMessage("the reply of worker-2 names another member (" + worker + "); rejected");
    assertThat(
            Protocol.readReply(Signed.by(SECRET, reply), sent, SECRET, "worker-1")
                .path("worker")
                .asText())
        .isEqualTo("worker-1");
  }

  @Test
  void the_secret_never_shows_and_comes_from_the_environment() {
    assertThat(SECRET.toString()).doesNotContain("horse");
    assertThat(
            ClusterSecret.fromEnvironment(
                Map.of(ClusterSecret.ENV, "correct horse battery" + " staple")))
        .contains(SECRET);
    assertThat(ClusterSecret.fromEnvironment(Map.of())).isEmpty();
    assertThatThrownBy(
            () -> ClusterSecret.fromEnvironment(Map.of(ClusterSecret.ENV, "aaaaaaaaaaaaaaaabbbb")))
        .hasMessageContaining("has only 2 distinct characters");
    assertThatThrownBy(() -> ClusterSecret.fromEnvironment(Map.of(ClusterSecret.ENV, "short")))
        .hasMessage(
            "the cluster secret from FLNAS_CLUSTER_SECRET is too short: it needs at least"
                + " 16 bytes");
    assertThat(SECRET.verifies("m", SECRET.sign("m"))).isTrue();
    assertThat(SECRET.verifies("m2", SECRET.sign("m"))).isFalse();
  }
}
