package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import io.flnas.FlNasException;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Cost;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.metrics.HardwareReport;
import io.flnas.search.Attempt;
import io.flnas.search.TrialExecutor;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs trials on a Hazelcast cluster of workers: the coordinator's {@link TrialExecutor}. It joins
 * the cluster as a lite member (it holds no data and runs no trial), sends each trial to a free
 * worker as signed architecture JSON plus the {@link WorkSpec} and the coordinator's fingerprint,
 * and reads the signed evaluation JSON that comes back.
 *
 * <p>A worker lost mid-trial (killed, out of memory, a native crash) makes the trial run again on
 * another worker, up to {@code maxAttempts} attempts, each recorded in the trial; a trial that
 * loses that many workers fails with that reason and the search goes on. A worker whose reply says
 * it is recycling gets nothing more; its supervisor starts a fresh process that joins again. A
 * worker that refuses a trial (another secret, other data) is set aside with its reason.
 *
 * <p>Anyone who reaches a member's port can join the cluster and call itself a worker, so a member
 * counts as one only after it passes a challenge: a signed request naming its UUID and carrying a
 * random nonce, which it must answer with a reply signed with the cluster secret that echoes the
 * nonce and names its own UUID (an HMAC over challenge and UUID, in effect). The challenge also
 * checks its data and settings (the fingerprint). A member that fails it (no secret, a relayed
 * answer, no answer within {@value #CHALLENGE_MINUTES} minutes) is skipped with one line in the log
 * naming its address, and never gets a trial; challenges run asynchronously, so a stranger can
 * neither stop nor hold up a search. Every trial request names its worker's UUID, a time and a
 * nonce, and a reply counts only if it is signed, echoes the nonce and names the member the request
 * went to. If the coordinator's own Hazelcast member shuts down without being asked (a stranger can
 * do that), the trials in flight fail with that reason instead of waiting forever.
 */
public final class ClusterExecutor implements TrialExecutor {
  /**
   * How long a member has to answer its challenge: the challenge makes it build its dataset, which
   * for ISIC images can take minutes.
   */
  static final int CHALLENGE_MINUTES = 5;

  /** Challenges answered for an earlier coordinator on this address, before giving up. */
  private static final int STALE_TRIES = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutor.class);

  private final HazelcastInstance member;
  private final IExecutorService trials;
  private final ClusterSecret secret;
  private final WorkSpec spec;
  private final Map<String, String> fingerprint;
  private final int maxAttempts;
  private final Clock clock = Clock.systemUTC();
  private final Object lock = new Object();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<UUID, Job> busy = new HashMap<>();
  private final Set<UUID> retired = new HashSet<>();
  private final Map<UUID, String> refused = new HashMap<>();

  /** The worker that trained each trial's last rung: its next rung goes there when it is free. */
  private final Map<Integer, UUID> trainedOn = new HashMap<>();

  private final Set<UUID> challenged = new HashSet<>();
  private final Set<UUID> verified = new HashSet<>();
  private final Map<UUID, String> skipped = new LinkedHashMap<>();
  private String endedBecause;

  private ClusterExecutor(
      ClusterSettings settings,
      ClusterSecret secret,
      WorkSpec spec,
      Map<String, String> fingerprint,
      int maxAttempts) {
    this.secret = secret;
    this.spec = spec;
    this.fingerprint = Map.copyOf(fingerprint);
    this.maxAttempts = maxAttempts;
    this.member =
        Hazelcast.newHazelcastInstance(settings.config("coordinator", "coordinator", clock));
    this.trials = member.getExecutorService(ClusterSettings.TRIALS);
    member
        .getLifecycleService()
        .addLifecycleListener(
            event -> {
              if (event.getState() == LifecycleState.SHUTTING_DOWN) {
                end(
                    "the coordinator's Hazelcast member shut down without being asked (a member of the"
                        + " cluster can do that)");
              }
            });
    member
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                LOG.info("{} joined", Protocol.describeStranger(event.getMember()));
                challenge(event.getMember(), 1);
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                UUID id = event.getMember().getUuid();
                boolean worker;
                synchronized (lock) {
                  worker = verified.remove(id);
                  challenged.remove(id);
                }
                LOG.info(
                    "{} left",
                    worker
                        ? Protocol.describe(event.getMember())
                        : Protocol.describeStranger(event.getMember()));
              }
            });
    member.getCluster().getMembers().forEach(m -> challenge(m, 1));
  }

  /**
   * Joins (or starts) the cluster as its coordinator.
   *
   * @param fingerprint what every worker's evaluator must match; must hold {@code evaluator}
   * @param maxAttempts attempts per trial before it fails for lost workers; the 3
   */
  public static ClusterExecutor start(
      ClusterSettings settings,
      ClusterSecret secret,
      WorkSpec spec,
      Map<String, String> fingerprint,
      int maxAttempts) {
    Preconditions.checkArgument(secret != null, "secret must not be null");
    Preconditions.checkArgument(
        fingerprint.containsKey("evaluator"), "the fingerprint must name the evaluator");
    Preconditions.checkArgument(
        maxAttempts > 0, "maxAttempts must be > 0, but was %s", maxAttempts);
    settings.checkBindable();
    return new ClusterExecutor(settings, secret, spec, fingerprint, maxAttempts);
  }

  /** The address workers join: {@code host:port}. */
  public String address() {
    var address = member.getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  /** The name of the cluster this coordinator is in; workers must use the same. */
  public String clusterName() {
    return member.getConfig().getClusterName();
  }

  /** The {@code host:port} of each worker now, e.g. for another coordinator to join. */
  public List<String> workerAddresses() {
    return workerMembers().stream().map(Protocol::address).toList();
  }

  /** Leaves at once, with no hand-off, as a crashed coordinator would; for tests. */
  void crash() {
    synchronized (lock) {
      endedBecause = "crashed";
    }
    member.getLifecycleService().terminate();
  }

  /**
   * Workers in the cluster now: the members that passed the challenge (recycling and refusing ones
   * included).
   */
  public List<String> workers() {
    return workerMembers().stream().map(Protocol::describe).toList();
  }

  /** The members skipped for failing the challenge, and why; for people and tests. */
  public List<String> skipped() {
    synchronized (lock) {
      return skipped.values().stream().toList();
    }
  }

  /**
   * Waits until {@code count} members have passed the challenge (signature and fingerprint).
   * Members that fail it are skipped and do not count; throws when a worker refuses this search
   * (other data or settings), naming every one that refused and why, or when too few passed within
   * {@code timeout}, naming those skipped.
   */
  public void awaitWorkers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> refusals;
      synchronized (lock) {
        Set<UUID> present = new HashSet<>();
        member.getCluster().getMembers().forEach(m -> present.add(m.getUuid()));
        refusals =
            refused.entrySet().stream()
                .filter(e -> present.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .toList();
      }
      if (!refusals.isEmpty()) {
        throw new ClusterException(
            "the cluster cannot run this search: " + String.join("; ", refusals));
      }
      int ready = workerMembers().size();
      if (ready >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        List<String> skippedNow = skipped();
        throw new ClusterException(
            "only "
                + ready
                + " of "
                + count
                + " workers joined the"
                + " cluster at "
                + address()
                + " and passed its challenge within "
                + timeout.toSeconds()
                + " s; found "
                + workers()
                + (skippedNow.isEmpty() ? "" : "; skipped: " + String.join("; ", skippedNow)));
      }
      sleep(100);
    }
  }

  @Override
  public CompletableFuture<Execution> submit(TrialTask task) {
    Job job = new Job(task);
    synchronized (lock) {
      if (endedBecause != null) {
        job.result.completeExceptionally(new ClusterException(endedBecause));
        return job.result;
      }
      queue.add(job);
    }
    dispatch();
    return job.result;
  }

  /**
   * Yes: the coordinator keeps every rung's weights (each worker returns them with the rung's
   * result) and sends the weights of the rung before with the next, so a rung runs on whichever
   * worker is free and a worker lost mid-rung costs that rung one attempt, not the trial's earlier
   * rungs. A worker whose evaluator cannot continue a trial refuses the rung with the reason.
   */
  @Override
  public boolean continuesRungs() {
    return true;
  }

  @Override
  public String evaluatorName() {
    return fingerprint.get("evaluator");
  }

  /** The workers now in the cluster, at least 1. */
  @Override
  public int slots() {
    return Math.max(1, workerMembers().size());
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (endedBecause == null) {
        endedBecause = "the cluster executor is closed";
      }
      queue.forEach(job -> job.result.cancel(false));
      queue.clear();
    }
    member.shutdown();
  }

  /** Takes no more trials, and fails those waiting with {@code reason}, unless closed before. */
  private void end(String reason) {
    List<Job> waiting;
    synchronized (lock) {
      if (endedBecause != null) {
        return;
      }
      endedBecause = reason;
      waiting = new ArrayList<>(queue);
      queue.clear();
    }
    LOG.error("{}; the trials in flight fail", reason);
    waiting.forEach(job -> job.result.completeExceptionally(new ClusterException(reason)));
  }

  /** The members that passed the challenge and are in the cluster now. */
  private List<Member> workerMembers() {
    if (!member.getLifecycleService().isRunning()) {
      return List.of();
    }
    synchronized (lock) {
      return member.getCluster().getMembers().stream()
          .filter(m -> verified.contains(m.getUuid()))
          .toList();
    }
  }

  /**
   * Sends a member that calls itself a worker its challenge, unless it had one; the answer is read
   * asynchronously by {@link #challenged}.
   */
  private void challenge(Member candidate, int attempt) {
    UUID id = candidate.getUuid();
    if (!"worker".equals(candidate.getAttribute(ClusterSettings.ROLE))
        || id.equals(member.getCluster().getLocalMember().getUuid())) {
      return;
    }
    synchronized (lock) {
      if (endedBecause != null || (attempt == 1 && !challenged.add(id))) {
        return;
      }
    }
    Protocol.Envelope envelope =
        Protocol.Envelope.fresh(candidate, member.getCluster().getLocalMember().getUuid(), clock);
    ObjectNode request = Protocol.request("check", envelope, spec, fingerprint);
    CompletableFuture<String> answer = new CompletableFuture<>();
    try {
      trials.submitToMember(
          new TrialCall(Signed.by(secret, request.toString())),
          candidate,
          new ExecutionCallback<String>() {
            @Override
            public void onResponse(String reply) {
              answer.complete(reply);
            }

            @Override
            public void onFailure(Throwable error) {
              answer.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
    answer
        .orTimeout(CHALLENGE_MINUTES, TimeUnit.MINUTES)
        .whenComplete((reply, error) -> challenged(candidate, envelope, reply, error, attempt));
  }

  /** Reads a challenge's answer: the member is then a worker, refused, or skipped. */
  private void challenged(
      Member candidate, Protocol.Envelope envelope, String reply, Throwable error, int attempt) {
    if (error != null) {
      if (!Protocol.isLost(error)) {
        skip(
            candidate,
            error instanceof TimeoutException
                ? "no answer within " + CHALLENGE_MINUTES + " minutes"
                : Protocol.rootMessage(error));
      }
      return;
    }
    JsonNode node;
    try {
      node =
          Protocol.readReply(
              TrialCall.parseReply(reply), envelope, secret, Protocol.describeStranger(candidate));
    } catch (StaleReplyException e) {
      if (attempt < STALE_TRIES) {
        challenge(candidate, attempt + 1);
      } else {
        skip(candidate, e.getMessage());
      }
      return;
    } catch (FlNasException e) {
      skip(candidate, e.getMessage());
      return;
    }
    String where = Protocol.describe(candidate);
    if (node.hasNonNull("refused")) {
      String reason = node.get("refused").asText();
      LOG.warn("{} refused this search: {}", where, reason);
      synchronized (lock) {
        refused.put(candidate.getUuid(), where + " refused: " + reason);
      }
      return;
    }
    synchronized (lock) {
      if (!member.getCluster().getMembers().contains(candidate)) {
        return;
      }
      verified.add(candidate.getUuid());
    }
    LOG.info("{} passed the challenge; it is a worker", where);
    dispatch();
  }

  /** One line, with the member's address, never a signature or the secret. */
  private void skip(Member candidate, String reason) {
    String line =
        Protocol.describeStranger(candidate)
            + " failed the challenge: "
            + Protocol.printable(reason.replaceAll("\\s+", " "), 400);
    synchronized (lock) {
      skipped.put(candidate.getUuid(), line);
    }
    LOG.warn("skipped {}; it gets no trials", line);
  }

  /** Hands queued trials to free workers. */
  private void dispatch() {
    List<Runnable> sends = new ArrayList<>();
    List<Member> workers = workerMembers();
    synchronized (lock) {
      if (endedBecause != null) {
        return;
      }
      List<Member> free = new ArrayList<>();
      for (Member worker : workers) {
        UUID id = worker.getUuid();
        if (!busy.containsKey(id) && !retired.contains(id) && !refused.containsKey(id)) {
          free.add(worker);
        }
      }
      while (!free.isEmpty() && !queue.isEmpty()) {
        Job job = queue.poll();
        if (job.result.isDone()) {
          continue;
        }
        // A rung goes to the worker that trained the trial's rung before when it is free (its
        // process has just held those weights); otherwise to the first free worker, with the
        // weights the coordinator kept.
        UUID preferred = job.task.rung().isPresent() ? trainedOn.get(job.task.trial()) : null;
        Member worker =
            free.stream()
                .filter(m -> m.getUuid().equals(preferred))
                .findFirst()
                .orElse(free.get(0));
        free.remove(worker);
        busy.put(worker.getUuid(), job);
        sends.add(() -> send(job, worker));
      }
    }
    sends.forEach(Runnable::run);
  }

  private void send(Job job, Member worker) {
    Protocol.Envelope envelope =
        Protocol.Envelope.fresh(worker, member.getCluster().getLocalMember().getUuid(), clock);
    ObjectNode request = Protocol.request("trial", envelope, spec, fingerprint);
    request.put("trial", job.task.trial());
    request.set("architecture", ArchitectureJson.toNode(job.task.architecture(), true));
    if (job.task.rung().isPresent()) {
      try {
        request.set("rung", RungWire.request(job.task.rung().get()));
      } catch (IOException e) {
        job.result.completeExceptionally(
            new FlNasException(
                "trial "
                    + job.task.trial()
                    + ": cannot read the weights of its rung before: "
                    + e.getMessage(),
                e));
        release(worker, false);
        return;
      }
    }
    long start = System.nanoTime();
    String where = Protocol.describe(worker);
    job.task.events().placed(where);
    try {
      trials.submitToMember(
          new TrialCall(Signed.by(secret, request.toString())),
          worker,
          new ExecutionCallback<String>() {
            @Override
            public void onResponse(String reply) {
              answered(job, worker, envelope, reply, seconds(start));
            }

            @Override
            public void onFailure(Throwable error) {
              failed(job, worker, error, seconds(start));
            }
          });
    } catch (RuntimeException e) {
      failed(job, worker, e, seconds(start));
    }
  }

  private void answered(
      Job job, Member worker, Protocol.Envelope envelope, String reply, double seconds) {
    String where = Protocol.describe(worker);
    JsonNode node;
    try {
      node = Protocol.readReply(TrialCall.parseReply(reply), envelope, secret, where);
    } catch (StaleReplyException e) {
      // Our own reply will find no caller; send the trial again.
      release(worker, false);
      job.attempts.add(new Attempt(where, "stale reply: " + e.getMessage(), seconds));
      retryOrFail(job, e.getMessage());
      return;
    } catch (FlNasException e) {
      release(worker, false);
      job.attempts.add(new Attempt(where, "rejected: " + e.getMessage(), seconds));
      job.result.completeExceptionally(e);
      return;
    }
    if (node.hasNonNull("refused")) {
      String reason = node.get("refused").asText();
      LOG.warn("{} refused trial {}: {}", where, job.task.trial(), reason);
      synchronized (lock) {
        refused.put(worker.getUuid(), where + " refused: " + reason);
      }
      job.attempts.add(new Attempt(where, "refused: " + reason, seconds));
      release(worker, false);
      retryOrFail(job, "refused by " + where + ": " + reason);
      return;
    }
    Evaluation evaluation = EvaluationJson.fromNode(node.path("evaluation"));
    if (evaluation.succeeded() && job.task.rung().isPresent()) {
      try {
        RungWire.keep(node, job.task.rung().get());
      } catch (IOException | IllegalArgumentException e) {
        evaluation =
            Evaluation.failed(
                "the weights of rung "
                    + job.task.rung().get().index()
                    + " from "
                    + where
                    + " could not be kept: "
                    + e.getMessage(),
                evaluation.hardware());
      }
    }
    job.attempts.add(new Attempt(where, evaluation.succeeded() ? "completed" : "failed", seconds));
    if (evaluation.succeeded() && job.task.trial() > 0) {
      synchronized (lock) {
        trainedOn.put(job.task.trial(), worker.getUuid());
      }
    }
    release(worker, node.path("recycling").asBoolean(false));
    job.result.complete(new Execution(evaluation, job.attempts));
  }

  private void failed(Job job, Member worker, Throwable error, double seconds) {
    String where = Protocol.describe(worker);
    boolean lost = Protocol.isLost(error);
    release(worker, false);
    if (!lost) {
      job.attempts.add(new Attempt(where, "failed: " + Protocol.rootMessage(error), seconds));
      job.result.completeExceptionally(
          new FlNasException(
              "trial "
                  + job.task.trial()
                  + " on "
                  + where
                  + " failed: "
                  + Protocol.rootMessage(error),
              error));
      return;
    }
    job.lost++;
    job.attempts.add(new Attempt(where, "worker lost: " + Protocol.rootMessage(error), seconds));
    LOG.warn(
        "{} was lost while evaluating trial {} (attempt {} of {})",
        where,
        job.task.trial(),
        job.attempts.size(),
        maxAttempts);
    retryOrFail(job, "lost " + job.lost + " workers while evaluating it, the last: " + where);
  }

  private void retryOrFail(Job job, String reason) {
    if (job.attempts.size() >= maxAttempts) {
      job.result.complete(
          new Execution(
              Evaluation.failed(
                  "gave up after " + job.attempts.size() + " attempts: " + reason,
                  HardwareReport.analytic(Cost.of(job.task.architecture()))),
              job.attempts));
      return;
    }
    String ended;
    synchronized (lock) {
      ended = endedBecause;
      if (ended == null) {
        queue.addFirst(job);
      }
    }
    if (ended != null) {
      job.result.completeExceptionally(new ClusterException(ended));
      return;
    }
    dispatch();
  }

  private void release(Member worker, boolean recycling) {
    synchronized (lock) {
      busy.remove(worker.getUuid());
      if (recycling) {
        retired.add(worker.getUuid());
      }
    }
    dispatch();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlNasException("interrupted while waiting for workers", e);
    }
  }
}
