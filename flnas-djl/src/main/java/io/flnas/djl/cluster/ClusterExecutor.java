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
import io.flnas.FlNasException;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Cost;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.metrics.HardwareReport;
import io.flnas.search.Attempt;
import io.flnas.search.TrialExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs trials on a Hazelcast cluster of workers: the coordinator's {@link TrialExecutor}. It
 * joins the cluster as a lite member (it holds no data and runs no trial), sends each trial to a
 * free worker as signed architecture JSON plus the {@link WorkSpec} and the coordinator's
 * fingerprint, and reads the signed evaluation JSON that comes back.
 *
 * <p>A worker lost mid-trial (killed, out of memory, a native crash) makes the trial run again on
 * another worker, up to {@code maxAttempts} attempts, each recorded in the trial; a trial that
 * loses that many workers fails with that reason and the search goes on. A worker whose reply
 * says it is recycling gets nothing more; its supervisor starts a fresh process that joins again.
 * A worker that refuses a trial (another secret, other data) is set aside with its reason.
 */
public final class ClusterExecutor implements TrialExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutor.class);

  private final HazelcastInstance member;
  private final IExecutorService trials;
  private final ClusterSecret secret;
  private final WorkSpec spec;
  private final Map<String, String> fingerprint;
  private final int maxAttempts;
  private final Object lock = new Object();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<UUID, Job> busy = new HashMap<>();
  private final Set<UUID> retired = new HashSet<>();
  private final Map<UUID, String> refused = new HashMap<>();
  /** The worker that trained each trial's last rung: its next rung goes there when it is free. */
  private final Map<Integer, UUID> trainedOn = new HashMap<>();
  private boolean closed;

  private ClusterExecutor(ClusterSettings settings, ClusterSecret secret, WorkSpec spec,
      Map<String, String> fingerprint, int maxAttempts) {
    this.secret = secret;
    this.spec = spec;
    this.fingerprint = Map.copyOf(fingerprint);
    this.maxAttempts = maxAttempts;
    this.member = Hazelcast.newHazelcastInstance(settings.config("coordinator", "coordinator",
        true));
    this.trials = member.getExecutorService(ClusterSettings.TRIALS);
    member.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.info("{} joined", Protocol.describe(event.getMember()));
        dispatch();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        LOG.info("{} left", Protocol.describe(event.getMember()));
      }
    });
  }

  /**
   * Joins (or starts) the cluster as its coordinator.
   *
   * @param fingerprint what every worker's evaluator must match; must hold {@code evaluator}
   * @param maxAttempts attempts per trial before it fails for lost workers; the 3
   */
  public static ClusterExecutor start(ClusterSettings settings, ClusterSecret secret, WorkSpec spec,
      Map<String, String> fingerprint, int maxAttempts) {
    Preconditions.checkArgument(secret != null, "secret must not be null");
    Preconditions.checkArgument(fingerprint.containsKey("evaluator"),
        "the fingerprint must name the evaluator");
    Preconditions.checkArgument(maxAttempts > 0, "maxAttempts must be > 0, but was %s",
        maxAttempts);
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
    return workerMembers().stream()
        .map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort()).toList();
  }

  /** Leaves at once, with no hand-off, as a crashed coordinator would; for tests. */
  void crash() {
    synchronized (lock) {
      closed = true;
    }
    member.getLifecycleService().terminate();
  }

  /** Workers in the cluster now (recycling and refusing ones included). */
  public List<String> workers() {
    return workerMembers().stream().map(Protocol::describe).toList();
  }

  /**
   * Waits until {@code count} workers have joined, then checks each: its signature and its
   * fingerprint. Throws, naming every worker that refused and why, when one does.
   */
  public void awaitWorkers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (workerMembers().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new ClusterException("only " + workerMembers().size() + " of " + count
            + " workers joined the cluster at " + address() + " within " + timeout.toSeconds()
            + " s; found " + workers());
      }
      sleep(100);
    }
    List<String> refusals = new ArrayList<>();
    for (Member worker : workerMembers()) {
      Protocol.check(trials, worker, secret, spec, fingerprint, timeout)
          .ifPresent(refusals::add);
    }
    if (!refusals.isEmpty()) {
      throw new ClusterException("the cluster cannot run this search: " + String.join("; ",
          refusals));
    }
  }

  @Override
  public CompletableFuture<Execution> submit(TrialTask task) {
    Job job = new Job(task);
    synchronized (lock) {
      Preconditions.checkState(!closed, "the cluster executor is closed");
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
      closed = true;
      queue.forEach(job -> job.result.cancel(false));
      queue.clear();
    }
    member.shutdown();
  }

  private List<Member> workerMembers() {
    if (!member.getLifecycleService().isRunning()) {
      return List.of();
    }
    return member.getCluster().getMembers().stream()
        .filter(m -> "worker".equals(m.getAttribute(ClusterSettings.ROLE))).toList();
  }

  /** Hands queued trials to free workers. */
  private void dispatch() {
    List<Runnable> sends = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      List<Member> free = new ArrayList<>();
      for (Member worker : workerMembers()) {
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
        Member worker = free.stream().filter(m -> m.getUuid().equals(preferred)).findFirst()
            .orElse(free.get(0));
        free.remove(worker);
        busy.put(worker.getUuid(), job);
        sends.add(() -> send(job, worker));
      }
    }
    sends.forEach(Runnable::run);
  }

  private void send(Job job, Member worker) {
    String nonce = UUID.randomUUID().toString();
    ObjectNode request = Protocol.request("trial", nonce, spec, fingerprint);
    request.put("trial", job.task.trial());
    request.set("architecture", ArchitectureJson.toNode(job.task.architecture(), true));
    if (job.task.rung().isPresent()) {
      try {
        request.set("rung", RungWire.request(job.task.rung().get()));
      } catch (IOException e) {
        job.result.completeExceptionally(new FlNasException("trial " + job.task.trial()
            + ": cannot read the weights of its rung before: " + e.getMessage(), e));
        release(worker, false);
        return;
      }
    }
    long start = System.nanoTime();
    String where = Protocol.describe(worker);
    job.task.events().placed(where);
    try {
      trials.submitToMember(new TrialCall(Signed.by(secret, request.toString())), worker,
          new ExecutionCallback<String>() {
            @Override
            public void onResponse(String reply) {
              answered(job, worker, nonce, reply, seconds(start));
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

  private void answered(Job job, Member worker, String nonce, String reply, double seconds) {
    String where = Protocol.describe(worker);
    JsonNode node;
    try {
      node = readReply(TrialCall.parseReply(reply), nonce, where);
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
        refused.put(worker.getUuid(), reason);
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
        evaluation = Evaluation.failed("the weights of rung " + job.task.rung().get().index()
            + " from " + where + " could not be kept: " + e.getMessage(), evaluation.hardware());
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
      job.result.completeExceptionally(new FlNasException("trial " + job.task.trial() + " on "
          + where + " failed: " + Protocol.rootMessage(error), error));
      return;
    }
    job.lost++;
    job.attempts.add(new Attempt(where, "worker lost: " + Protocol.rootMessage(error), seconds));
    LOG.warn("{} was lost while evaluating trial {} (attempt {} of {})", where, job.task.trial(),
        job.attempts.size(), maxAttempts);
    retryOrFail(job, "lost " + job.lost + " workers while evaluating it, the last: " + where);
  }

  private void retryOrFail(Job job, String reason) {
    if (job.attempts.size() >= maxAttempts) {
      job.result.complete(new Execution(Evaluation.failed("gave up after " + job.attempts.size()
          + " attempts: " + reason, HardwareReport.analytic(Cost.of(job.task.architecture()))),
          job.attempts));
      return;
    }
    synchronized (lock) {
      if (!closed) {
        queue.addFirst(job);
      }
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

  private JsonNode readReply(Signed reply, String nonce, String where) {
    return Protocol.readReply(reply, nonce, secret, where);
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
