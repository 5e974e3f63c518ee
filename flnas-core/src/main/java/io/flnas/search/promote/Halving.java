package io.flnas.search.promote;

import com.google.common.base.Preconditions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Successive halving (Jamieson and Talwalkar 2016; Li et al. 2018): every candidate first trains
 * for {@code minEpochs}; then the best {@code 1/eta} of them by the search's objective, on the
 * validation split, train on to {@code eta} times as many epochs in all, continuing from their
 * weights, and so on up to {@code maxEpochs}. Rung {@code r} trains to {@code min(maxEpochs,
 * minEpochs * eta^r)} epochs in all.
 *
 * <p>Two schedules. {@link Mode#ASYNC} (the default of {@link #of}; ASHA, Li et al., MLSys 2020):
 * whenever a slot frees up, a trial in the top {@code 1/eta} of those that ended its rung so far
 * goes on, if there is one, else a new trial is designed; no slot waits for a rung to fill, and the
 * designer keeps designing while rungs run. {@link Mode#SYNC}: every trial is designed and trained
 * at rung 0 first, then rung by rung, each rung waiting for the one before to end.
 *
 * <p>A trial's evaluation is that of the last rung it reached, its {@link
 * io.flnas.metrics.Evaluation#epochs()} the epochs in all of that rung, so history and prompts say
 * how long each figure trained; the journal records each rung, and a resume in the middle of a rung
 * continues it from the weights of the rung before, kept in {@code checkpoints}. With a {@linkplain
 * io.flnas.search.rank.Objectives#pareto Pareto objective} a rung promotes by non-dominated rank,
 * then crowding distance. The evaluator must be a {@link RungEvaluator}.
 *
 * @param minEpochs epochs of rung 0
 * @param eta the promotion factor: the best {@code 1/eta} go on
 * @param maxEpochs epochs in all of the last rung
 * @param checkpoints where rungs keep their weights; empty for a folder beside the journal (or a
 *     temporary one without a journal)
 * @param mode the schedule
 */
public record Halving(
    int minEpochs, int eta, int maxEpochs, Optional<Path> checkpoints, Mode mode) {
  /** The schedule of the rungs. */
  public enum Mode {
    /** Asynchronous successive halving: promote whenever a slot frees up and a trial qualifies. */
    ASYNC,
    /** Synchronous: all of a rung first, then the best of it, rung by rung. */
    SYNC
  }

  public Halving {
    Preconditions.checkArgument(minEpochs > 0, "minEpochs must be > 0, but was %s", minEpochs);
    Preconditions.checkArgument(eta >= 2, "eta must be >= 2, but was %s", eta);
    Preconditions.checkArgument(
        maxEpochs > minEpochs,
        "maxEpochs must be > minEpochs=%s, but was %s",
        minEpochs,
        maxEpochs);
    Preconditions.checkArgument(checkpoints != null, "checkpoints must not be null");
    Preconditions.checkArgument(mode != null, "mode must not be null");
  }

  /** Halving without a mode: asynchronous. */
  public Halving(int minEpochs, int eta, int maxEpochs, Optional<Path> checkpoints) {
    this(minEpochs, eta, maxEpochs, checkpoints, Mode.ASYNC);
  }

  /** Asynchronous halving from {@code minEpochs} by {@code eta} up to {@code maxEpochs}. */
  public static Halving of(int minEpochs, int eta, int maxEpochs) {
    return new Halving(minEpochs, eta, maxEpochs, Optional.empty(), Mode.ASYNC);
  }

  /** The same halving keeping its weights in {@code folder}. */
  public Halving checkpoints(Path folder) {
    return new Halving(minEpochs, eta, maxEpochs, Optional.of(folder), mode);
  }

  /** The same halving on the schedule {@code value}. */
  public Halving mode(Mode value) {
    return new Halving(minEpochs, eta, maxEpochs, checkpoints, value);
  }

  /** The same halving on the synchronous schedule. */
  public Halving synchronous() {
    return mode(Mode.SYNC);
  }

  /**
   * The promotion stage of one run of this halving: a fresh state, ranking by {@code ranking},
   * keeping weights in {@link #checkpoints} or beside {@code journal}.
   */
  public Promotion promotion(Promotion.Ranking ranking, Optional<Path> journal) {
    return new Rungs(this, ranking, journal);
  }

  /** Epochs in all at each rung, e.g. {@code [1, 3, 9]} for (1, 3, 9). */
  public List<Integer> rungEpochs() {
    List<Integer> epochs = new ArrayList<>();
    for (long e = minEpochs; ; e *= eta) {
      epochs.add((int) Math.min(e, maxEpochs));
      if (e >= maxEpochs) {
        return epochs;
      }
    }
  }

  /**
   * How many of {@code candidates} go on to the next rung: {@code candidates / eta}, at least 1.
   */
  public int promoted(int candidates) {
    return Math.max(1, candidates / eta);
  }

  /**
   * For the configuration fingerprint: {@code halving(1, eta=3, 9)} for the synchronous schedule
   * (as journals written before there were two have it), {@code asha(1, eta=3, 9)} for ASHA.
   */
  @Override
  public String toString() {
    return (mode == Mode.SYNC ? "halving(" : "asha(")
        + minEpochs
        + ", eta="
        + eta
        + ", "
        + maxEpochs
        + ")";
  }
}
