package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Cost;
import io.flnas.djl.train.ResidentSampler;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.metrics.HardwareReport;
import io.flnas.search.Evaluator;
import io.flnas.search.journal.Fingerprints;
import io.flnas.search.promote.RungEvaluator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: a Hazelcast member that evaluates the trials a coordinator sends it, one at a time,
 * with its own evaluator on its own device. It builds its evaluator (and dataset) once per work
 * spec, refuses a request whose signature does not verify with its secret, and refuses a trial
 * whose coordinator fingerprint differs from its own, saying what differs.
 *
 * <p>Anyone who reaches its port can join the cluster, so a worker believes a request only when its
 * signature verifies, it names this member, it is fresh and its nonce is new (see {@link
 * RequestGate}); anything else is refused with one line in the log naming the sender's address, and
 * the sender gets an error that says why, never a signed reply. Its replies name this member and
 * echo the request's nonce, which is how it passes the coordinator's challenge. It logs the members
 * that join and leave, with their addresses.
 *
 * <p>A worker whose Hazelcast member shuts down without it asking (a stranger in the cluster,
 * Hazelcast's reaction to running out of memory) is no use with its port closed, so it leaves with
 * {@link #MEMBER_LOST_EXIT} and its supervisor starts a fresh process.
 *
 * <p>Native memory grows over many trainings, so after {@code maxTrials} trials, or when its
 * resident memory passes {@code maxResidentMb}, a worker finishes the trial at hand, says so in its
 * reply (the coordinator sends it nothing more), leaves the cluster and ends with {@link
 * #RECYCLE_EXIT}, for its supervisor to start a fresh process.
 */
public final class WorkerNode implements AutoCloseable {
  /** Exit status of a worker that asks its supervisor for a fresh process. */
  public static final int RECYCLE_EXIT = 75;

  /** Exit status of a worker whose evaluator hit an error the process cannot go on from. */
  public static final int FATAL_EXIT = 70;

  /** Exit status of a worker whose Hazelcast member shut down without it asking. */
  public static final int MEMBER_LOST_EXIT = 69;

  /**
   * Exit status of a worker that could not start its member at all (e.g. no interface matches its
   * bind address): starting it again cannot help.
   */
  public static final int START_FAILED_EXIT = 78;

  static final String CONTEXT_KEY = "flnas.worker";
  private static final Logger LOG = LoggerFactory.getLogger(WorkerNode.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How a worker runs.
   *
   * @param name the worker's name in the cluster, e.g. {@code worker-2}
   * @param threads engine threads for its evaluator; 0 lets the engine choose
   * @param data where the data is on this machine ({@code synthetic} or {@code isic:<folder>}),
   *     overriding the coordinator's spec; empty to use the spec's
   * @param maxTrials trials before a fresh process; 0 for no limit
   * @param maxResidentMb resident memory in MB above which it asks for a fresh process; 0 for no
   *     limit
   */
  public record Options(
      String name, int threads, Optional<String> data, int maxTrials, int maxResidentMb) {
    public Options {
      Preconditions.checkArgument(
          name != null && name.matches("[A-Za-z0-9._-]+"),
          "a worker name is letters, digits, '.', '_' or '-', but was '%s'",
          name);
      Preconditions.checkArgument(threads >= 0, "threads must be >= 0, but was %s", threads);
      Preconditions.checkArgument(maxTrials >= 0, "maxTrials must be >= 0, but was %s", maxTrials);
      Preconditions.checkArgument(
          maxResidentMb >= 0, "maxResidentMb must be >= 0, but was %s", maxResidentMb);
    }
  }

  private final Options options;
  private final ClusterSecret secret;
  private final HazelcastInstance member;
  private final Clock clock;
  private final RequestGate gate;
  private final CountDownLatch left = new CountDownLatch(1);
  private volatile int exitStatus;
  private volatile boolean leaving;
  private WorkSpec preparedSpec;
  private WorkerEvaluators.Prepared prepared;
  private int served;
  private boolean recycling;

  private WorkerNode(
      Options options,
      ClusterSecret secret,
      ClusterSettings settings,
      Clock clock,
      Duration window) {
    this.options = options;
    this.secret = secret;
    this.clock = clock;
    this.gate = new RequestGate(window);
    var config = settings.config("worker", options.name(), clock);
    config.getUserContext().put(CONTEXT_KEY, this);
    this.member = Hazelcast.newHazelcastInstance(config);
    member
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleState.SHUTDOWN && !leaving) {
                LOG.warn(
                    "{}: its Hazelcast member shut down without it asking; leaving for a fresh"
                        + " process",
                    options.name());
                lost();
              }
            });
    member
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                LOG.info(
                    "{}: {} joined", options.name(), Protocol.describeStranger(event.getMember()));
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                LOG.info(
                    "{}: {} left", options.name(), Protocol.describeStranger(event.getMember()));
              }
            });
  }

  /** Starts a worker and joins the cluster. */
  public static WorkerNode start(Options options, ClusterSecret secret, ClusterSettings settings) {
    return start(options, secret, settings, Clock.systemUTC(), RequestGate.DEFAULT_WINDOW);
  }

  /**
   * Starts a worker that judges a request's time by {@code clock} and admits requests sent within
   * {@code window} of their arrival; for tests.
   */
  static WorkerNode start(
      Options options,
      ClusterSecret secret,
      ClusterSettings settings,
      Clock clock,
      Duration window) {
    Preconditions.checkArgument(secret != null, "secret must not be null");
    settings.checkBindable();
    WorkerNode node = new WorkerNode(options, secret, settings, clock, window);
    LOG.info(
        "{} joined the cluster at {}",
        options.name(),
        node.member.getCluster().getLocalMember().getAddress());
    return node;
  }

  /** This worker's UUID in the cluster: what a request for it names. */
  UUID uuid() {
    return member.getCluster().getLocalMember().getUuid();
  }

  /** The {@code host:port} it listens on. */
  String address() {
    return Protocol.address(member.getCluster().getLocalMember());
  }

  /** Its Hazelcast member, for tests that shut it down. */
  HazelcastInstance member() {
    return member;
  }

  public String name() {
    return options.name();
  }

  /** Trials evaluated so far. */
  public synchronized int served() {
    return served;
  }

  /** Blocks until this worker left the cluster; returns its exit status. */
  public int awaitLeave() throws InterruptedException {
    left.await();
    return exitStatus;
  }

  /**
   * Answers one request; called by {@link TrialCall} on the worker's trial thread.
   *
   * @param self this worker's UUID (its member may still be starting when the coordinator's
   *     challenge comes)
   * @param arrival when the request arrived (null if unknown: now)
   * @param sender the address of the member that sent it, for the log
   */
  synchronized Signed serve(Signed request, UUID self, Instant arrival, String sender) {
    if (!request.verifiedBy(secret)) {
      throw refusal(
          sender,
          "a missing or wrong HMAC signature: the coordinator and this worker"
              + " do not share the cluster secret");
    }
    JsonNode node;
    try {
      node = JSON.readTree(request.message());
    } catch (IOException e) {
      throw refusal(sender, "an unreadable request");
    }
    Optional<String> refused = gate.admit(node, self, arrival != null ? arrival : clock.instant());
    if (refused.isPresent()) {
      throw refusal(sender, refused.get());
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.put("nonce", node.path("nonce").asText());
    reply.put("member", self.toString());
    reply.put("worker", options.name());
    Optional<String> refusal = prepare(node);
    if (refusal.isPresent()) {
      reply.put("refused", refusal.get());
      return Signed.by(secret, reply.toString());
    }
    if (node.path("kind").asText().equals("check")) {
      return Signed.by(secret, reply.toString());
    }
    Architecture architecture = ArchitectureJson.fromNode(node.path("architecture"), null, 0);
    Evaluation evaluation;
    RungWire.Worker rung = null;
    try {
      if (node.hasNonNull("rung")) {
        if (!(prepared.evaluator() instanceof RungEvaluator rungs)) {
          throw new IllegalStateException(
              options.name()
                  + "'s evaluator cannot continue a trial"
                  + " from its weights, so it cannot train a rung of successive halving");
        }
        rung = RungWire.unpack(node.get("rung"));
        evaluation = rungs.evaluate(architecture, rung.rung(), Evaluator.EpochListener.NONE);
        if (evaluation.succeeded()) {
          rung.attach(reply);
        }
      } else {
        evaluation = prepared.evaluator().evaluate(architecture);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("{}: evaluation of trial {} failed", options.name(), node.path("trial"), e);
      evaluation =
          Evaluation.failed(
              "evaluation failed on "
                  + options.name()
                  + ": "
                  + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
              HardwareReport.analytic(Cost.of(architecture)));
    } catch (Error e) {
      // Out of memory or a broken engine: this process is not fit to go on. Dying makes the
      // coordinator run the trial again on another worker.
      LOG.error("{}: fatal error in trial {}; leaving", options.name(), node.path("trial"), e);
      Runtime.getRuntime().halt(FATAL_EXIT);
      throw e;
    }
    if (rung != null) {
      rung.delete();
    }
    served++;
    reply.set("evaluation", EvaluationJson.toNode(evaluation));
    recycling =
        (options.maxTrials() > 0 && served >= options.maxTrials())
            || (options.maxResidentMb() > 0
                && ResidentSampler.residentMb() > options.maxResidentMb());
    reply.put("recycling", recycling);
    if (recycling) {
      leaveSoon();
    }
    return Signed.by(secret, reply.toString());
  }

  /**
   * Logs a refused request in one line, with the sender's address (never the signature or the
   * secret), and the error its sender gets.
   */
  private SecurityException refusal(String sender, String reason) {
    LOG.warn("{} refused a request from {}: {}", options.name(), sender, reason);
    return new SecurityException(options.name() + " refused a request: " + reason);
  }

  /** Builds the evaluator for the request's spec if needed, and compares fingerprints. */
  private Optional<String> prepare(JsonNode request) {
    WorkSpec spec;
    try {
      spec = WorkSpec.fromJson(request.path("spec").toString());
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (options.data().isPresent()) {
      spec = spec.withData(options.data().get());
    }
    if (!spec.equals(preparedSpec)) {
      closePrepared();
      try {
        Class<?> type = Class.forName(spec.factory());
        if (!WorkerEvaluators.class.isAssignableFrom(type)) {
          return Optional.of(spec.factory() + " is not a " + WorkerEvaluators.class.getName());
        }
        WorkerEvaluators factory = (WorkerEvaluators) type.getDeclaredConstructor().newInstance();
        prepared = factory.prepare(spec, options.threads());
        preparedSpec = spec;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return Optional.of("cannot prepare " + spec.data() + ": " + e.getMessage());
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    request
        .path("fingerprint")
        .fields()
        .forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asText()));
    String differences =
        Fingerprints.differences(expected, "coordinator", prepared.fingerprint(), options.name());
    return differences.isEmpty()
        ? Optional.empty()
        : Optional.of("its data or settings differ from the coordinator's: " + differences);
  }

  private void leaveSoon() {
    Thread recycler =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              LOG.info("{} served {} trials; leaving for a fresh process", options.name(), served);
              leave(RECYCLE_EXIT);
            },
            "flnas-worker-recycle");
    recycler.setDaemon(true);
    recycler.start();
  }

  /**
   * Leaves the cluster gracefully and frees the evaluator; does nothing once it has left (e.g. its
   * member was lost), so an exiting process never waits for a training to free it.
   */
  public void leave(int status) {
    if (left.getCount() == 0) {
      return;
    }
    leaving = true;
    try {
      member.shutdown();
    } finally {
      synchronized (this) {
        closePrepared();
      }
      ended(status);
    }
  }

  /**
   * Its member is gone: {@link #awaitLeave} returns at once, and the evaluator is freed on another
   * thread once the trial at hand (if any) lets go of it, so Hazelcast's shutdown never waits for a
   * training.
   */
  private void lost() {
    ended(MEMBER_LOST_EXIT);
    Thread release =
        new Thread(
            () -> {
              synchronized (this) {
                closePrepared();
              }
            },
            "flnas-worker-release");
    release.setDaemon(true);
    release.start();
  }

  /** Lets {@link #awaitLeave} return {@code status}; the first status counts. */
  private void ended(int status) {
    synchronized (left) {
      if (left.getCount() == 0) {
        return;
      }
      exitStatus = status;
      left.countDown();
    }
  }

  @Override
  public void close() {
    leave(0);
  }

  private void closePrepared() {
    if (prepared != null) {
      try {
        prepared.resources().close();
      } catch (Exception e) {
        LOG.warn("closing the evaluator of {} failed", options.name(), e);
      }
      prepared = null;
      preparedSpec = null;
    }
  }
}
