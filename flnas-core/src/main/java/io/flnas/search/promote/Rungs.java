package io.flnas.search.promote;

import io.flnas.FlNasException;
import io.flnas.search.Trial;
import io.flnas.search.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * {@link Halving} in one run, both schedules: which rung each trial reached, the trials ranked at
 * each rung by the rung's own evaluation, and where each rung keeps its weights.
 *
 * <p>Asynchronous (ASHA, Li et al., MLSys 2020): whenever a slot is free, the highest rung with a
 * trial in the top {@code floor(n/eta)} of the {@code n} that ended it, and not promoted yet,
 * promotes that trial; otherwise the search designs a new one. Once no new trial can be designed
 * and nothing runs, the rule relaxes to {@code max(1, floor(n/eta))}, as the synchronous schedule
 * has it, so the best trial always trains to the last rung.
 *
 * <p>Synchronous: while the search still designs, or anything runs, nothing is promoted; then the
 * lowest rung with promotions left promotes its best {@code max(1, floor(n/eta))} at once.
 */
final class Rungs implements Promotion {
  private final Halving halving;
  private final Ranking ranking;
  private final List<Integer> epochs;
  private final Path folder;

  /** Rung, then trial number, then the trial with that rung's evaluation. */
  private final Map<Integer, Map<Integer, Trial>> atRung = new TreeMap<>();

  /** The highest rung each trial started. */
  private final Map<Integer, Integer> started = new HashMap<>();

  /** Synchronous: the promotions decided at the last rung boundary, not started yet. */
  private final Deque<Step> batch = new ArrayDeque<>();

  Rungs(Halving halving, Ranking ranking, Optional<Path> journal) {
    this.halving = halving;
    this.ranking = ranking;
    this.epochs = halving.rungEpochs();
    try {
      Path dir =
          halving
              .checkpoints()
              .orElse(journal.map(j -> j.resolveSibling(j.getFileName() + ".rungs")).orElse(null));
      this.folder =
          dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("flnas-rungs");
    } catch (IOException e) {
      throw new FlNasException("cannot create the folder for rung weights: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<RungEvaluator.Rung> first(int trial) {
    return Optional.of(new RungEvaluator.Rung(0, epochs.get(0), Optional.empty(), file(trial, 0)));
  }

  /** Rung {@code rung} of a trial, continuing from the weights of the rung before. */
  private Step step(int trial, int rung) {
    return new Step(
        trial,
        new RungEvaluator.Rung(
            rung,
            epochs.get(rung) - epochs.get(rung - 1),
            Optional.of(file(trial, rung - 1)),
            file(trial, rung)));
  }

  private Path file(int trial, int rung) {
    return folder.resolve("trial-" + trial + "-rung-" + rung + ".params");
  }

  @Override
  public void started(Step step) {
    started.merge(step.trial(), step.rung().index(), Math::max);
    batch.removeIf(s -> s.trial() == step.trial());
  }

  @Override
  public void ended(Trial trial, int rung) {
    if (trial.duplicateOf().isPresent() || trial.evaluation().isEmpty()) {
      return;
    }
    atRung.computeIfAbsent(rung, r -> new TreeMap<>()).put(trial.iteration(), trial);
    started.merge(trial.iteration(), rung, Math::max);
  }

  @Override
  public List<Step> next(int free, boolean designing, int running) {
    if (free <= 0) {
      return List.of();
    }
    if (halving.mode() == Halving.Mode.SYNC) {
      if (batch.isEmpty() && !designing && running == 0) {
        for (int r = 0; r + 1 < epochs.size() && batch.isEmpty(); r++) {
          int rung = r;
          promotable(r, true).forEach(t -> batch.add(step(t, rung + 1)));
        }
      }
      return batch.stream().limit(free).toList();
    }
    boolean last = !designing && running == 0;
    List<Step> steps = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    for (int r = epochs.size() - 2; r >= 0 && steps.size() < free; r--) {
      for (int t : promotable(r, last)) {
        if (steps.size() < free && taken.add(t)) {
          steps.add(step(t, r + 1));
        }
      }
    }
    return steps;
  }

  /**
   * The trials in the top {@code floor(n/eta)} at rung {@code r} (at least one when {@code
   * atLeastOne}) that have not started a later rung, best first.
   */
  private List<Integer> promotable(int r, boolean atLeastOne) {
    List<Trial> candidates = new ArrayList<>(atRung.getOrDefault(r, Map.of()).values());
    int quota = candidates.size() / halving.eta();
    if (atLeastOne) {
      quota = halving.promoted(candidates.size());
    }
    List<Integer> next = new ArrayList<>();
    List<Trial> ranked = ranking.objective().rank(candidates, ranking.target());
    for (Trial t : ranked.subList(0, Math.min(ranked.size(), quota))) {
      if (started.getOrDefault(t.iteration(), -1) == r) {
        next.add(t.iteration());
      }
    }
    return next;
  }

  @Override
  public List<Step> restore(Journal journal, IntFunction<Trial> trials) {
    Set<Integer> past = new HashSet<>();
    List<Step> unfinished = new ArrayList<>();
    for (Journal.RungRecord r : journal.rungs()) {
      past.add(r.trial());
      r.evaluation()
          .ifPresentOrElse(
              e -> ended(trials.apply(r.trial()).withEvaluation(e), r.rung()),
              () -> unfinished.add(step(r.trial(), r.rung())));
    }
    journal.restored().stream()
        .filter(t -> !past.contains(t.iteration()))
        .forEach(t -> ended(t, 0));
    unfinished.forEach(this::started);
    return unfinished;
  }
}
