package io.flnas.search;

import io.flnas.FlNasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of {@link Halving} in one run: which rung each trial reached, the trials ranked at
 * each rung by the rung's own evaluation, and where each rung keeps its weights.
 */
final class Rungs {
  private final Halving halving;
  private final List<Integer> epochs;
  private final Path folder;
  /** Rung, then trial number, then the trial with that rung's evaluation. */
  private final Map<Integer, Map<Integer, Trial>> atRung = new TreeMap<>();
  private final Map<Integer, Integer> reached = new HashMap<>();

  Rungs(Halving halving, Optional<Path> journal) {
    this.halving = halving;
    this.epochs = halving.rungEpochs();
    try {
      Path dir = halving.checkpoints().orElse(journal.map(j -> j.resolveSibling(
          j.getFileName() + ".rungs")).orElse(null));
      this.folder = dir != null ? Files.createDirectories(dir)
          : Files.createTempDirectory("flnas-rungs");
    } catch (IOException e) {
      throw new FlNasException("cannot create the folder for rung weights: " + e.getMessage(), e);
    }
  }

  /** The first rung of a trial: fresh weights, the first rung's epochs. */
  RungEvaluator.Rung first(int trial) {
    return new RungEvaluator.Rung(0, epochs.get(0), Optional.empty(), file(trial, 0));
  }

  /** Rung {@code rung} of a trial, continuing from the weights of the rung before. */
  RungEvaluator.Rung rung(int trial, int rung) {
    return new RungEvaluator.Rung(rung, epochs.get(rung) - epochs.get(rung - 1),
        Optional.of(file(trial, rung - 1)), file(trial, rung));
  }

  private Path file(int trial, int rung) {
    return folder.resolve("trial-" + trial + "-rung-" + rung + ".params");
  }

  /** A trial ended a rung; its evaluation is that rung's. */
  void ended(Trial trial, int rung) {
    if (trial.duplicateOf().isPresent() || trial.evaluation().isEmpty()) {
      return;
    }
    atRung.computeIfAbsent(rung, r -> new TreeMap<>()).put(trial.iteration(), trial);
    reached.merge(trial.iteration(), rung, Math::max);
  }

  /**
   * The trials to train next, at the lowest rung with any left: the best {@code 1/eta} at rung
   * {@code r} (by the objective, on their rung-{@code r} evaluations) that have not gone on yet;
   * empty when every rung is done.
   */
  List<Integer> promotions(Objective objective, io.flnas.space.DeploymentTarget target) {
    for (int r = 0; r + 1 < epochs.size(); r++) {
      List<Trial> candidates = new ArrayList<>(atRung.getOrDefault(r, Map.of()).values());
      List<Trial> ranked = objective.rank(candidates, target);
      List<Integer> next = new ArrayList<>();
      for (Trial t : ranked.subList(0, Math.min(ranked.size(),
          halving.promoted(candidates.size())))) {
        if (reached.getOrDefault(t.iteration(), -1) == r) {
          next.add(t.iteration());
        }
      }
      if (!next.isEmpty()) {
        return next;
      }
    }
    return List.of();
  }

  /**
   * Takes in the rungs a journal holds, with {@code trials} giving the ended trial of a number;
   * returns the rungs that started and never ended, for the run to continue them.
   */
  List<Journal.RungRecord> restore(Journal journal, java.util.function.IntFunction<Trial> trials) {
    java.util.Set<Integer> past = new java.util.HashSet<>();
    List<Journal.RungRecord> unfinished = new ArrayList<>();
    for (Journal.RungRecord r : journal.rungs()) {
      past.add(r.trial());
      r.evaluation().ifPresentOrElse(e -> ended(trials.apply(r.trial()).withEvaluation(e),
          r.rung()), () -> unfinished.add(r));
    }
    journal.restored().stream().filter(t -> !past.contains(t.iteration()))
        .forEach(t -> ended(t, 0));
    return unfinished;
  }

  /** The rung a trial goes on to. */
  int nextRung(int trial) {
    return reached.getOrDefault(trial, 0) + 1;
  }
}
