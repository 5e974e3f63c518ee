package io.flnas.search;

import io.flnas.metrics.Evaluation;
import io.flnas.search.journal.Journal;
import io.flnas.search.promote.Halving;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run has recorded: the ended trials in trial order, the journal, the best trial so far and
 * why the search stops, if it does. Listeners are told from here, one at a time; a listener that
 * throws is logged and does not stop the search.
 */
final class Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  private final Search.Settings settings;
  private final Journal journal;
  private final TreeMap<Integer, Trial> ended = new TreeMap<>();

  /**
   * First evaluated trial per architecture hash: hashing every earlier trial each time is O(n^2).
   */
  private final Map<String, Trial> evaluatedByHash = new HashMap<>();

  private Optional<Trial> best = Optional.empty();
  private Optional<String> stopReason = Optional.empty();

  /** A ledger writing to {@code journal} (null for none). */
  Ledger(Search.Settings settings, Journal journal) {
    this.settings = settings;
    this.journal = journal;
  }

  /** Ended trials in trial order. */
  List<Trial> history() {
    return new ArrayList<>(ended.values());
  }

  int size() {
    return ended.size();
  }

  Optional<Trial> best() {
    return best;
  }

  Optional<String> stopReason() {
    return stopReason;
  }

  void stop(String reason) {
    stopReason = Optional.of(reason);
  }

  /** The first ended trial that evaluated this architecture hash. */
  Optional<Trial> evaluated(String hash) {
    return Optional.ofNullable(evaluatedByHash.get(hash));
  }

  /** Takes in trials read back from the journal, without writing or telling anyone. */
  void restore(List<Trial> trials) {
    trials.forEach(this::record);
    best = settings.objective().best(history(), settings.target());
    checkStopRules();
  }

  /** Journals a trial handed to an executor. */
  void started(Trial trial) {
    if (journal != null) {
      journal.appendStarted(trial);
    }
  }

  /** The ended trial of this number. */
  Trial trial(int number) {
    return ended.get(number);
  }

  /** Journals a rung of {@link Halving} handed to an executor. */
  void rungStarted(int trial, int rung) {
    if (journal != null) {
      journal.appendRungStarted(trial, rung);
    }
  }

  /**
   * Records the end of a later rung: the trial now carries that rung's evaluation; journals it,
   * tells the listeners (a trial ends again) and asks the stop rules.
   */
  void endRung(Trial updated, int rung, List<Attempt> attempts) {
    ended.put(updated.iteration(), updated);
    if (journal != null) {
      journal.appendRung(updated.iteration(), rung, updated.evaluation().orElseThrow(), attempts);
    }
    best = settings.objective().best(history(), settings.target());
    Optional<Trial> newBest = best;
    tell(l -> l.trialFinished(updated, newBest));
    checkStopRules();
  }

  /**
   * Records a later rung that failed: journaled with its failed evaluation and attempts; the trial
   * keeps the evaluation of the rung before, and nobody is told it ended again.
   */
  void rungFailed(int trial, int rung, Evaluation failed, List<Attempt> attempts) {
    ended.put(trial, ended.get(trial).withAttempts(attempts));
    if (journal != null) {
      journal.appendRung(trial, rung, failed, attempts);
    }
  }

  /** Records an ended trial, journals it, tells the listeners and asks the stop rules. */
  void end(Trial trial) {
    record(trial);
    if (journal != null) {
      journal.append(trial);
    }
    best = settings.objective().best(history(), settings.target());
    Optional<Trial> newBest = best;
    tell(l -> l.trialFinished(trial, newBest));
    checkStopRules();
  }

  private void record(Trial trial) {
    ended.put(trial.iteration(), trial);
    if (trial.evaluation().isPresent() && trial.architecture().isPresent()) {
      evaluatedByHash.putIfAbsent(trial.architecture().get().hash(), trial);
    }
  }

  private void checkStopRules() {
    if (stopReason.isPresent()) {
      return;
    }
    List<Trial> history = history();
    for (StopRule rule : settings.stopRules()) {
      Optional<String> reason = rule.check(history, best);
      if (reason.isPresent()) {
        stopReason = reason;
        LOG.info("search stops: {}", reason.get());
        return;
      }
    }
  }

  /** Throws when every trial so far failed to be designed and nothing stopped the search. */
  void checkSomeDesigned() {
    List<Trial> history = history();
    if (!history.isEmpty()
        && stopReason.isEmpty()
        && history.stream().allMatch(t -> t.status() == Trial.Status.DESIGN_FAILED)) {
      throw new io.flnas.DesignerException(
          "every one of the "
              + history.size()
              + " trials"
              + " failed to design a valid proposal; the last error: "
              + history.get(history.size() - 1).reason().orElse("unknown")
              + settings.journal().map(p -> " (journal kept at " + p + ")").orElse(""));
    }
  }

  void tell(Consumer<SearchListener> event) {
    for (SearchListener listener : settings.listeners()) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("search listener {} failed", listener, e);
      }
    }
  }
}
