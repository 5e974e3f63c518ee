package io.flnas.search;

import io.flnas.BudgetExhaustedException;
import io.flnas.SearchAbortedException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Violation;
import io.flnas.metrics.Evaluation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link Search}: a scheduler that keeps up to the search's parallelism trials in
 * flight. When slots are free it asks the designer for one proposal per free slot (one round),
 * checks each, hands the good ones to the executor, and records trials as they end, in whatever
 * order they end. With a {@link Prescreen} a round asks for more candidates and keeps the
 * best-scoring ones. Everything the listeners and the journal see happens on the thread that pulls
 * the trials; executors report through a queue.
 *
 * <p>With one trial in flight this is the paper's sequential loop, trial for trial.
 */
final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final Search search;
  private final Search.Settings settings;
  private final TrialExecutor executor;
  private final boolean ownsExecutor;
  private final Ledger ledger;
  private final Rungs rungs;
  private final Map<Integer, InFlight> running = new LinkedHashMap<>();
  /** Trials whose architecture duplicates a running trial: they end when it ends. */
  private final Map<Integer, List<Waiting>> waitingFor = new HashMap<>();
  private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final ArrayDeque<Trial> ready = new ArrayDeque<>();
  final List<Trial> restored;
  private int nextNumber;
  private int round;
  private boolean finished;
  private SearchResult result;

  private record Waiting(Trial trial, long startMillis) {}

  private record InFlight(Trial trial, CompletableFuture<TrialExecutor.Execution> future,
      long startMillis, Cost cost, int rung) {}

  Scheduler(Search search, Search.Settings settings) {
    this.search = search;
    this.settings = settings;
    this.ownsExecutor = settings.executor() == null;
    this.executor = ownsExecutor
        ? TrialExecutors.inProcess(settings.evaluator(), settings.parallelism())
        : settings.executor();
    Journal opened = null;
    try {
      opened = settings.journal().map(p -> Journal.open(p, search.fingerprint())).orElse(null);
    } catch (RuntimeException e) {
      closeExecutor();
      throw e;
    }
    ledger = new Ledger(settings, opened);
    restored = opened == null ? List.of() : opened.restored();
    List<Trial> again = opened == null ? List.of() : opened.running();
    nextNumber = restored.size() + again.size() + 1;
    round = java.util.stream.Stream.concat(restored.stream(), again.stream())
        .mapToInt(Trial::round).max().orElse(0);
    rungs = settings.halving().map(h -> new Rungs(h, settings.journal())).orElse(null);
    ledger.restore(restored);
    List<Journal.RungRecord> unfinished = rungs == null || opened == null ? List.of()
        : rungs.restore(opened, ledger::trial);
    ledger.tell(l -> l.searchStarted(settings.maxIterations(), restored));
    unfinished.forEach(r -> startRung(r.trial(), r.rung()));
    for (Trial trial : again) {
      LOG.info("trial {} was running when the search stopped; running it again", trial.iteration());
      dispatch(trial, settings.clock().millis(), false);
    }
  }

  boolean hasNext() {
    return !ready.isEmpty() || canDesign() || !running.isEmpty() || promote();
  }

  /**
   * Under {@link Halving}, once every trial is designed and nothing runs: hands the next rung's
   * promotions to the executor; false when there are none.
   */
  private boolean promote() {
    if (rungs == null || ledger.stopReason().isPresent() || canDesign() || !running.isEmpty()) {
      return false;
    }
    List<Integer> next = rungs.promotions(settings.objective(), settings.target());
    for (int number : next) {
      int rung = rungs.nextRung(number);
      ledger.rungStarted(number, rung);
      startRung(number, rung);
    }
    return !next.isEmpty();
  }

  private void startRung(int number, int rung) {
    Trial trial = ledger.trial(number);
    start(trial, settings.clock().millis(), Cost.of(trial.architecture().orElseThrow()),
        Optional.of(rungs.rung(number, rung)));
  }

  /** The next trial to end: designs and hands off trials until one ends. */
  Trial next() {
    while (ready.isEmpty()) {
      // Trials that ended meanwhile end now, so one round designs for all the slots they free.
      for (Runnable event = events.poll(); event != null; event = events.poll()) {
        event.run();
      }
      if (!ready.isEmpty()) {
        break;
      }
      if (canDesign()) {
        designRound();
      } else if (!running.isEmpty()) {
        awaitEvent();
      } else if (!promote()) {
        throw new NoSuchElementException();
      }
    }
    return ready.poll();
  }

  private boolean canDesign() {
    return ledger.stopReason().isEmpty() && nextNumber <= settings.maxIterations() && inFlight()
        < settings.parallelism();
  }

  private int inFlight() {
    return running.size() + waitingFor.values().stream().mapToInt(List::size).sum();
  }

  private void designRound() {
    int free = Math.min(settings.parallelism() - inFlight(),
        settings.maxIterations() - nextNumber + 1);
    round++;
    long start = settings.clock().millis();
    List<Trial> history = ledger.history();
    List<Trial> runningTrials = running.values().stream().map(InFlight::trial).toList();
    List<DesignContext> slots = new ArrayList<>();
    for (int i = 0; i < free; i++) {
      int number = nextNumber + i;
      ledger.tell(l -> l.trialStarted(number));
      slots.add(new DesignContext(number, history, ledger.best(), settings.problem(),
          settings.space(), settings.template(), settings.target(), settings.objective(),
          Search.iterationRandom(settings.seed(), number), round, runningTrials));
    }
    Optional<Prescreen> prescreen = settings.prescreen();
    List<DesignContext> asked = prescreen.map(p -> p.expand(slots, settings.seed())).orElse(slots);
    List<Proposal> proposals;
    try {
      proposals = Outcomes.ask(settings.designer(), asked);
    } catch (BudgetExhaustedException e) {
      ledger.stop(e.getMessage());
      LOG.info("search stopped at trial {}: {}", nextNumber, e.getMessage());
      end(new Trial(nextNumber++, settings.designer().name(), Optional.empty(),
          Trial.Status.DESIGN_FAILED, Optional.empty(), Optional.of(e.getMessage()),
          OptionalInt.empty(), List.of(), seconds(start), round, List.of()));
      return;
    }
    List<Prescreen.Kept> kept = prescreen.isPresent()
        ? prescreen.get().select(proposals, free, settings.space(), settings.target())
        : proposals.stream().map(p -> new Prescreen.Kept(p, OptionalDouble.empty())).toList();
    kept.forEach(k -> handOff(nextNumber++, k.proposal(), k.score(), start));
  }

  /** Records a failed design, a rejection or a reuse, or hands the trial to the executor. */
  private void handOff(int number, Proposal proposal, OptionalDouble score, long start) {
    String designer = settings.designer().name();
    if (proposal.failure().isPresent()) {
      end(new Trial(number, designer, Optional.empty(), Trial.Status.DESIGN_FAILED,
          Optional.empty(), proposal.failure(), OptionalInt.empty(), proposal.exchanges(),
          seconds(start), round, List.of()));
      return;
    }
    Architecture architecture = proposal.architecture().withName("trial-" + number);
    Trial trial = new Trial(number, designer, Optional.of(architecture), Trial.Status.RUNNING,
        Optional.empty(), Optional.empty(), OptionalInt.empty(), proposal.exchanges(), 0, round,
        List.of(), score);
    List<Violation> violations = DesignContext.violations(architecture, settings.space(),
        settings.target());
    if (!violations.isEmpty()) {
      end(trial.ended(Trial.Status.REJECTED, Optional.empty(),
          Optional.of("rejected before training: " + Violation.join(violations)),
          OptionalInt.empty(), seconds(start), List.of()));
      return;
    }
    dispatch(trial, start, true);
  }

  /**
   * Reuses the evaluation of an identical ended trial, waits for an identical running one, or
   * hands the trial to the executor. {@code journalStart} is false for a resumed trial, whose
   * started line is already in the journal.
   */
  private void dispatch(Trial trial, long start, boolean journalStart) {
    Architecture architecture = trial.architecture().orElseThrow();
    Optional<Trial> earlier = ledger.evaluated(architecture.hash());
    if (earlier.isPresent()) {
      end(trial.reusing(earlier.get(), seconds(start)));
      return;
    }
    if (journalStart) {
      ledger.started(trial);
    }
    for (InFlight other : running.values()) {
      if (other.trial().hash().equals(trial.hash())) {
        waitingFor.computeIfAbsent(other.trial().iteration(), k -> new ArrayList<>())
            .add(new Waiting(trial, start));
        return;
      }
    }
    start(trial, start, Cost.of(architecture));
  }

  private void start(Trial trial, long start, Cost cost) {
    start(trial, start, cost, rungs == null ? Optional.empty()
        : Optional.of(rungs.first(trial.iteration())));
  }

  private void start(Trial trial, long start, Cost cost, Optional<RungEvaluator.Rung> rung) {
    int number = trial.iteration();
    Architecture architecture = trial.architecture().orElseThrow();
    ledger.tell(l -> l.evaluationStarted(number, architecture));
    TrialExecutor.Events progress = new TrialExecutor.Events() {
      @Override
      public void placed(String worker) {
        events.add(() -> ledger.tell(l -> l.trialPlaced(number, worker)));
      }

      @Override
      public void epochFinished(int epoch, int maxEpochs, double validationLoss) {
        events.add(() -> ledger.tell(l -> l.epochFinished(number, epoch, maxEpochs, validationLoss)));
      }
    };
    CompletableFuture<TrialExecutor.Execution> future;
    try {
      future = executor.submit(new TrialExecutor.TrialTask(number, architecture, progress, rung));
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    running.put(number, new InFlight(trial, future, start, cost,
        rung.map(RungEvaluator.Rung::index).orElse(0)));
    future.whenComplete((execution, error) -> events.add(() -> evaluated(number, execution,
        error)));
  }

  private void awaitEvent() {
    try {
      events.take().run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SearchAbortedException("interrupted while waiting for running trials");
    }
  }

  private void evaluated(int number, TrialExecutor.Execution execution, Throwable error) {
    InFlight flight = running.remove(number);
    if (flight == null) {
      return;
    }
    Evaluation evaluation = Outcomes.evaluation(number, execution, error, flight.cost(),
        executor.evaluatorName());
    List<Attempt> attempts = execution != null && error == null ? execution.attempts() : List.of();
    if (flight.rung() > 0) {
      Trial updated = flight.trial().withEvaluation(evaluation);
      rungs.ended(updated, flight.rung());
      ledger.endRung(updated, flight.rung());
      ready.add(updated);
      return;
    }
    Trial trial = flight.trial().ended(
        evaluation.succeeded() ? Trial.Status.COMPLETED : Trial.Status.FAILED,
        Optional.of(evaluation), evaluation.failure(), OptionalInt.empty(),
        seconds(flight.startMillis()), attempts);
    end(trial);
    if (rungs != null) {
      rungs.ended(trial, 0);
    }
    waitingFor.getOrDefault(number, List.of())
        .forEach(waiting -> end(waiting.trial().reusing(trial, seconds(waiting.startMillis()))));
    waitingFor.remove(number);
  }

  /** Records an ended trial and makes it the next one the run hands out. */
  private void end(Trial trial) {
    ledger.end(trial);
    ready.add(trial);
  }

  /**
   * Ends the run: trials still in flight are cancelled and stay RUNNING in the journal for a
   * resume (after a normal end none are left; a stop rule's are awaited by {@link #next}), the
   * executor the search created is closed, and the listeners are told.
   */
  SearchResult finish(boolean complete) {
    if (finished) {
      return result;
    }
    finished = true;
    try {
      // What ended before the end is kept (journaled), not trained again by a resume.
      for (Runnable event = events.poll(); event != null; event = events.poll()) {
        event.run();
      }
    } catch (RuntimeException | Error e) {
      LOG.warn("a trial that ended as the search ended could not be recorded", e);
    }
    if (!running.isEmpty()) {
      LOG.info("search ended with {} trial(s) in flight: {}; a resume runs them again",
          running.size(), running.keySet());
      running.values().forEach(f -> f.future().cancel(true));
      running.clear();
    }
    closeExecutor();
    List<Trial> history = ledger.history();
    if (complete) {
      ledger.checkSomeDesigned();
    }
    result = search.result(history, ledger.stopReason());
    ledger.tell(l -> l.searchFinished(result));
    return result;
  }

  private void closeExecutor() {
    if (ownsExecutor) {
      executor.close();
    }
  }

  private double seconds(long start) {
    return (settings.clock().millis() - start) / 1000.0;
  }
}
