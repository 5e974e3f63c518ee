package io.flnas.search;

import io.flnas.arch.Architecture;
import io.flnas.metrics.Evaluation;

/**
 * Turns an architecture into an {@link Evaluation} ("Evaluator" in the paper): architecture in,
 * evaluation out, with everything else (data, hyperparameters, device) fixed by the evaluator's
 * configuration, so trials can be farmed out without changing the search. Return {@link
 * Evaluation#failed} or throw for a failed trial; the search records it and goes on.
 */
@FunctionalInterface
public interface Evaluator {

  Evaluation evaluate(Architecture architecture);

  /** Called before an evaluation starts, with an epoch callback for progress displays. */
  default Evaluation evaluate(Architecture architecture, EpochListener epochs) {
    return evaluate(architecture);
  }

  /**
   * How many evaluations this evaluator can run at once in one process; a search's in-process
   * parallelism may not exceed it. Unbounded by default (an evaluator that keeps no shared state);
   * one for an evaluator whose engine keeps process-wide state, such as DJL's.
   */
  default int concurrency() {
    return Integer.MAX_VALUE;
  }

  /** A name for the journal; part of the configuration fingerprint. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** Told after each training epoch; for progress bars. */
  @FunctionalInterface
  interface EpochListener {
    EpochListener NONE = (epoch, maxEpochs, validationLoss) -> {};

    void epochFinished(int epoch, int maxEpochs, double validationLoss);
  }
}
