package io.flnas.search;

import io.flnas.arch.Architecture;
import java.util.List;
import java.util.Optional;

/**
 * Told what a search does. Every method has a no-op default, so a listener overrides only what it
 * needs. Ready-made listeners live in {@link SearchListeners}. Listeners run on the search thread;
 * an exception from one is logged and does not stop the search. With several trials in flight, the
 * events of different trials interleave.
 */
public interface SearchListener {

  /** Before the first new iteration; {@code restored} are trials read back from the journal. */
  default void searchStarted(int maxIterations, List<Trial> restored) {}

  /** Before the designer is asked for trial {@code iteration} (one call per slot of a round). */
  default void trialStarted(int iteration) {}

  /** When a proposal is handed to the executor (the trial is RUNNING from now). */
  default void evaluationStarted(int iteration, Architecture architecture) {}

  /** When the executor starts a trial on a worker (again, after a lost attempt). */
  default void trialPlaced(int iteration, String worker) {}

  /** After an epoch of the evaluator's training, where the evaluator reports epochs. */
  default void epochFinished(int iteration, int epoch, int maxEpochs, double validationLoss) {}

  /** After a trial is recorded (and journaled), with the best trial so far. */
  default void trialFinished(Trial trial, Optional<Trial> best) {}

  /** After the last iteration, or when the search stopped early. */
  default void searchFinished(SearchResult result) {}
}
