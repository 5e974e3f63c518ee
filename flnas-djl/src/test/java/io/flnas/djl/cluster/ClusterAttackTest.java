package io.flnas.djl.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.ClusterState;
import com.hazelcast.cluster.Member;
import com.hazelcast.console.Echo;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cluster tried the way someone on the same network without the secret would try it: a
 * coordinator, a real worker, and a {@link Stranger} that joins as a Hazelcast member, calls itself
 * a worker and relays what it gets to the real worker. Requests the stranger sends were signed by
 * this test, standing for requests it captured on the wire. All members are in this JVM on loopback
 * and are stopped after the last test, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAttackTest {
  private static final ClusterSecret SECRET = ClusterSecret.of("only the coordinator and worker-1");
  private final List<AutoCloseable> members = new ArrayList<>();
  private final WorkSpec spec = SleepyEvaluators.spec(20);
  private ClusterExecutor coordinator;
  private WorkerNode worker;
  private Stranger stranger;

  @BeforeAll
  void startACoordinatorAWorkerAndAStranger() {
    String cluster = ClusterSettings.uniqueName();
    coordinator =
        ClusterExecutor.start(
            new ClusterSettings("127.0.0.1", 19701, List.of(), cluster),
            SECRET,
            spec,
            SleepyEvaluators.fingerprint(spec),
            3);
    members.add(coordinator);
    worker =
        WorkerNode.start(
            new WorkerNode.Options("worker-1", 1, Optional.empty(), 0, 0),
            SECRET,
            new ClusterSettings("127.0.0.1", 19801, List.of(coordinator.address()), cluster));
    members.add(0, worker);
    stranger = Stranger.join(cluster, coordinator.address(), 19901, "worker-2", worker.address());
    members.add(0, stranger);
  }

  @AfterAll
  void stopEveryMember() {
    for (AutoCloseable member : members) {
      try {
        member.close();
      } catch (Exception e) {
        // the others are stopped all the same
      }
    }
  }

  @Test
  void a_stranger_posing_as_a_worker_is_skipped_and_the_search_runs_on_the_real_worker() {
    coordinator.awaitWorkers(1, Duration.ofSeconds(30));
    awaitSkipped();

    SearchResult result =
        ClusterTest.search(Search.builder(ClusterTest.PROBLEM, coordinator))
            .maxIterations(4)
            .build()
            .run();

    assertThat(coordinator.workers()).singleElement().asString().startsWith("worker-1 (");
    assertThat(coordinator.skipped())
        .singleElement()
        .asString()
        .startsWith(
            "member at "
                + address(stranger)
                + " calling itself 'worker-2' failed the"
                + " challenge: ")
        .contains(
            "worker-1 refused a request: it is addressed to another member ("
                + stranger.uuid()
                + "), so it was relayed or misrouted")
        .doesNotContain("only the coordinator");
    assertThat(result.history())
        .allSatisfy(
            t ->
                assertThat(t.attempts())
                    .allSatisfy(a -> assertThat(a.worker()).startsWith("worker-1 (")));
    assertThat(result.history()).allSatisfy(t -> assertThat(t.completed()).isTrue());
  }

  @Test
  void a_request_relayed_by_the_member_it_was_for_to_another_is_refused() {
    Signed forStranger = request(stranger.uuid(), Instant.now(), fresh());

    assertThatThrownBy(
            () ->
                stranger
                    .send(forStranger, stranger.member.getCluster().getLocalMember())
                    .get(10, TimeUnit.SECONDS))
        .hasMessageContaining(
            "worker-1 refused a request: it is addressed to another member ("
                + stranger.uuid()
                + ")");
  }

  @Test
  void a_request_addressed_to_another_member_is_refused() {
    UUID coordinatorId = memberAt(coordinator.address()).getUuid();
    Signed forCoordinator = request(coordinatorId, Instant.now(), fresh());

    assertThatThrownBy(
            () ->
                stranger.send(forCoordinator, memberAt(worker.address())).get(10, TimeUnit.SECONDS))
        .hasMessageContaining(
            "worker-1 refused a request: it is addressed to another member ("
                + coordinatorId
                + ")");
  }

  @Test
  void a_replayed_request_is_refused_at_once_and_later() throws Exception {
    Member real = memberAt(worker.address());
    Signed captured = request(worker.uuid(), Instant.now(), fresh());

    String first = stranger.send(captured, real).get(10, TimeUnit.SECONDS);

    assertThat(TrialCall.parseReply(first).verifiedBy(SECRET)).isTrue();
    assertThatThrownBy(() -> stranger.send(captured, real).get(10, TimeUnit.SECONDS))
        .hasMessageContaining(
            "worker-1 refused a request: its nonce was seen before, so it is" + " a replay");
    Signed old = request(worker.uuid(), Instant.now().minusSeconds(120), fresh());
    assertThatThrownBy(() -> stranger.send(old, real).get(10, TimeUnit.SECONDS))
        .hasMessageContaining(
            "worker-1 refused a request: it was sent 120 s before it arrived,"
                + " outside the 60 s window");
    Signed unsigned = new Signed(request(worker.uuid(), Instant.now(), fresh()).message(), "");
    assertThatThrownBy(() -> stranger.send(unsigned, real).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("worker-1 refused a request: a missing or wrong HMAC signature");
  }

  @Test
  void a_task_that_is_not_flnas_s_is_refused_and_the_worker_serves_on() throws Exception {
    Member real = memberAt(worker.address());

    assertThatThrownBy(() -> stranger.submit(new Echo("hello"), real).get(10, TimeUnit.SECONDS))
        .hasMessageContaining(
            "refused a task of class com.hazelcast.console.Echo: a flnas member"
                + " runs flnas trial requests only");
    assertThatThrownBy(() -> stranger.submit(new Shell(), real).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("Resolving class " + Shell.class.getName() + " is not allowed");
    assertThat(
            TrialCall.parseReply(
                    stranger
                        .send(request(worker.uuid(), Instant.now(), fresh()), real)
                        .get(10, TimeUnit.SECONDS))
                .verifiedBy(SECRET))
        .isTrue();
  }

  @Test
  void a_deeply_nested_java_serialized_collection_is_refused_at_once() {
    long start = System.nanoTime();

    assertThatThrownBy(
            () ->
                stranger
                    .submit(new NestedSets(), memberAt(worker.address()))
                    .get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("Resolving class java.util.HashSet is not allowed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_stranger_cannot_make_the_cluster_passive_or_shut_it_down() {
    assertThatThrownBy(() -> stranger.member.getCluster().changeClusterState(ClusterState.PASSIVE))
        .hasMessageContaining("com.hazelcast.cluster.ClusterState is not" + " allowed");

    assertThat(worker.member().getCluster().getClusterState()).isEqualTo(ClusterState.ACTIVE);
    assertThat(worker.member().getLifecycleService().isRunning()).isTrue();
  }

  @Test
  void a_hazelcast_client_cannot_connect_to_a_member() {
    ClientConfig config = new ClientConfig();
    config.setClusterName(coordinator.clusterName());
    config.getNetworkConfig().addAddress(worker.address(), coordinator.address());
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(1500);

    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(config).shutdown())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect to any cluster");
  }

  /** A request of the coordinator's, as the stranger may have captured one. */
  private Signed request(UUID to, Instant time, String nonce) {
    ObjectNode request =
        Protocol.request(
            "check",
            new Protocol.Envelope(nonce, to, memberAt(coordinator.address()).getUuid(), time),
            spec,
            SleepyEvaluators.fingerprint(spec));
    return Signed.by(SECRET, request.toString());
  }

  private static String fresh() {
    return UUID.randomUUID().toString().replace("-", "")
        + UUID.randomUUID().toString().replace("-", "");
  }

  private Member memberAt(String address) {
    return stranger.member.getCluster().getMembers().stream()
        .filter(m -> Protocol.address(m).equals(address))
        .findFirst()
        .orElseThrow();
  }

  private static String address(Stranger s) {
    return Protocol.address(s.member.getCluster().getLocalMember());
  }

  private void awaitSkipped() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (coordinator.skipped().isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A task a stranger would like to run: any Java-serializable class of its own. */
  static final class Shell implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String call() {
      return "ran on the worker";
    }
  }

  /**
   * A {@code Callable} that travels as a HashSet nested 100 deep, each level holding two sets that
   * share their children: a few KB of Java serialization whose hash codes take 2^100 steps to
   * compute on arrival, unless the class is refused before it is read.
   */
  static final class NestedSets implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;

    private Object writeReplace() {
      Set<Object> root = new HashSet<>();
      Set<Object> s1 = root;
      Set<Object> s2 = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        Set<Object> t1 = new HashSet<>();
        Set<Object> t2 = new HashSet<>();
        t1.add("x");
        s1.add(t1);
        s1.add(t2);
        s2.add(t1);
        s2.add(t2);
        s1 = t1;
        s2 = t2;
      }
      return root;
    }

    @Override
    public String call() {
      return "never";
    }
  }
}
