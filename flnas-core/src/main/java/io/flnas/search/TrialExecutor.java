package io.flnas.search;

import io.flnas.arch.Architecture;
import io.flnas.search.promote.Halving;
import io.flnas.search.promote.RungEvaluator;
import java.util.concurrent.CompletableFuture;

/**
 * Runs trials' evaluations, asynchronously: architecture in, evaluation out. The search hands each
 * trial to its executor and goes on designing while up to its parallelism are in flight. {@link
 * TrialExecutors#inProcess} runs an {@link Evaluator} on threads of this process; the Hazelcast
 * cluster of flnas-djl runs them on worker processes and machines.
 *
 * <p>An executor reports where a trial runs and its epochs through the task's {@link Events}, from
 * any thread; the search hands them to its listeners on its own thread.
 */
public interface TrialExecutor extends AutoCloseable {

  /**
   * Starts evaluating a trial. The future completes with the evaluation (a failed evaluation is
   * still a result) and the attempts it took, or exceptionally when the trial could not be
   * evaluated at all; {@code cancel} on it asks the executor to abandon the trial.
   */
  CompletableFuture<Execution> submit(TrialTask task);

  /** The evaluator's name, as the journal's configuration fingerprint records it. */
  String evaluatorName();

  /**
   * Whether it can run a {@link TrialTask#rung rung} of halving: continue a trial from the weights
   * of its rung before, wherever those are. The in-process executor can when its evaluator is a
   * {@link RungEvaluator}.
   */
  default boolean continuesRungs() {
    return false;
  }

  /** Trials it can usefully run at once; a search's default parallelism. */
  default int slots() {
    return 1;
  }

  /** Releases threads or connections; trials still running are abandoned. */
  @Override
  default void close() {}

  /**
   * One trial handed to an executor.
   *
   * @param trial the trial number
   * @param architecture what to evaluate
   * @param events where to report placement and progress
   * @param rung the rung to train, under {@link Halving}; empty for a whole training
   */
  record TrialTask(
      int trial,
      Architecture architecture,
      Events events,
      java.util.Optional<RungEvaluator.Rung> rung) {
    /** A whole training, without rungs. */
    public TrialTask(int trial, Architecture architecture, Events events) {
      this(trial, architecture, events, java.util.Optional.empty());
    }
  }

  /** Progress of a running trial; may be called from any thread. */
  interface Events {
    Events NONE = new Events() {};

    /** The trial started on {@code worker} (again, after a lost attempt). */
    default void placed(String worker) {}

    /** An epoch of training ended. */
    default void epochFinished(int epoch, int maxEpochs, double validationLoss) {}
  }

  /**
   * A trial's result.
   *
   * @param evaluation the evaluation, successful or failed
   * @param attempts each execution it took, when the executor records them; empty in-process
   */
  record Execution(io.flnas.metrics.Evaluation evaluation, java.util.List<Attempt> attempts) {
    public Execution {
      attempts = java.util.List.copyOf(attempts);
    }
  }
}
