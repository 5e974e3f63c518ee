package io.flnas.search;

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
 * <p>The search designs and evaluates all its trials at rung 0 first (in parallel when its
 * parallelism allows), then promotes rung by rung. A trial's evaluation is that of the last rung
 * it reached; the journal records each rung, and a resume in the middle of a rung continues it from
 * the weights of the rung before, kept in {@code checkpoints}. The evaluator must be a {@link
 * RungEvaluator}.
 *
 * @param minEpochs epochs of rung 0
 * @param eta the promotion factor: the best {@code 1/eta} go on
 * @param maxEpochs epochs in all of the last rung
 * @param checkpoints where rungs keep their weights; empty for a folder beside the journal (or a
 *     temporary one without a journal)
 */
public record Halving(int minEpochs, int eta, int maxEpochs, Optional<Path> checkpoints) {
  public Halving {
    Preconditions.checkArgument(minEpochs > 0, "minEpochs must be > 0, but was %s", minEpochs);
    Preconditions.checkArgument(eta >= 2, "eta must be >= 2, but was %s", eta);
    Preconditions.checkArgument(maxEpochs > minEpochs,
        "maxEpochs must be > minEpochs=%s, but was %s", minEpochs, maxEpochs);
  }

  /** Halving from {@code minEpochs} by {@code eta} up to {@code maxEpochs}. */
  public static Halving of(int minEpochs, int eta, int maxEpochs) {
    return new Halving(minEpochs, eta, maxEpochs, Optional.empty());
  }

  /** The same halving keeping its weights in {@code folder}. */
  public Halving checkpoints(Path folder) {
    return new Halving(minEpochs, eta, maxEpochs, Optional.of(folder));
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

  /** How many of {@code candidates} go on to the next rung: {@code candidates / eta}, at least 1. */
  public int promoted(int candidates) {
    return Math.max(1, candidates / eta);
  }

  /** For the configuration fingerprint. */
  @Override
  public String toString() {
    return "halving(" + minEpochs + ", eta=" + eta + ", " + maxEpochs + ")";
  }
}
