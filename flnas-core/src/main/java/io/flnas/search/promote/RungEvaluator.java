package io.flnas.search.promote;

import io.flnas.arch.Architecture;
import io.flnas.search.Evaluator;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An {@link Evaluator} that trains in rungs, for {@link Halving}: a number of epochs more, starting
 * from weights an earlier rung saved, and saving its own for the next.
 */
public interface RungEvaluator extends Evaluator {

  /**
   * Trains {@code rung.epochs()} epochs (from {@code rung.from()} when present, otherwise from
   * fresh weights), evaluates as {@link #evaluate(Architecture)} does, and saves the weights the
   * evaluation is of to {@code rung.to()}. The evaluation's epoch count is the epochs of this call.
   */
  io.flnas.metrics.Evaluation evaluate(Architecture architecture, Rung rung, EpochListener epochs);

  /**
   * One rung of one trial.
   *
   * @param index 0 for the first training
   * @param epochs epochs to train in this rung
   * @param from weights to continue from; empty at rung 0
   * @param to where to save the weights for the next rung
   */
  record Rung(int index, int epochs, Optional<Path> from, Path to) {}
}
