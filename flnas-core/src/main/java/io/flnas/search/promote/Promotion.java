package io.flnas.search.promote;

import io.flnas.search.Trial;
import io.flnas.search.journal.Journal;
import io.flnas.search.rank.Objective;
import io.flnas.space.DeploymentTarget;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The promotion stage of a search's pipeline: which trials train on after their first training, and
 * for how long. {@link #NONE} (the default) trains every trial once, fully; {@link Halving} makes
 * the two schedules of successive halving, {@linkplain Halving.Mode#ASYNC asynchronous} and
 * {@linkplain Halving.Mode#SYNC synchronous}. The pipeline asks {@link #next} whenever a slot is
 * free, before it designs a new trial, and tells the promotion every rung that starts and ends.
 */
public interface Promotion {
  /** Every trial trains once, fully; nothing is promoted. */
  Promotion NONE =
      new Promotion() {
        @Override
        public Optional<RungEvaluator.Rung> first(int trial) {
          return Optional.empty();
        }

        @Override
        public List<Step> next(int free, boolean designing, int running) {
          return List.of();
        }

        @Override
        public void started(Step step) {}

        @Override
        public void ended(Trial trial, int rung) {}

        @Override
        public List<Step> restore(Journal journal, IntFunction<Trial> trials) {
          return List.of();
        }
      };

  /** The first training of a trial: its first rung, or empty for a whole training. */
  Optional<RungEvaluator.Rung> first(int trial);

  /**
   * The rungs to start now, at most {@code free} of them; asked whenever a slot is free and before
   * a new trial is designed. Answering changes nothing: a rung is taken when it {@link #started}.
   *
   * @param designing whether the search may still design new trials
   * @param running the trainings in flight, rungs included
   */
  List<Step> next(int free, boolean designing, int running);

  /** The pipeline handed this rung to the executor. */
  void started(Step step);

  /** A trial ended rung {@code rung}; its evaluation is that rung's. */
  void ended(Trial trial, int rung);

  /**
   * Takes in the rungs a journal holds, with {@code trials} giving the ended trial of a number;
   * returns the rungs that started and never ended, for the search to continue.
   */
  List<Step> restore(Journal journal, IntFunction<Trial> trials);

  /** One rung of one trial, to hand to an executor. */
  record Step(int trial, RungEvaluator.Rung rung) {}

  /**
   * Ranks the trials that ended a rung by the search's objective on that rung's evaluations: what a
   * promotion needs to know of the search.
   */
  record Ranking(Objective objective, DeploymentTarget target) {}
}
