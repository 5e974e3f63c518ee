package io.flnas.search;

import io.flnas.BudgetExhaustedException;
import io.flnas.SearchAbortedException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Violation;
import io.flnas.metrics.Evaluation;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Proposal;
import io.flnas.search.journal.Journal;
import io.flnas.search.promote.Promotion;
import io.flnas.search.promote.RungEvaluator;
import io.flnas.search.screen.Screen;
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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link Search}: the trial pipeline. Each trial goes through the same stages,
 *
 * <ol>
 *   <li><b>propose</b>: the designer answers one round, one proposal per free slot;
 *   <li><b>screen</b>: the search's {@link Screen} may have asked for more candidates and keeps the
 *       ones worth training ({@link Screen#NONE} keeps every one);
 *   <li><b>check and de-duplicate</b>: {@link DesignContext#check}, the one check designers also
 *       use, against the ended and running trials: a broken rule or budget rejects the trial, an
 *       evaluated twin lends its evaluation, a running twin is waited for;
 *   <li><b>execute</b>: the {@link TrialExecutor} trains it, here or on a worker;
 *   <li><b>record</b>: the {@link Ledger} journals it and tells the listeners;
 *   <li><b>promote</b>: the search's {@link Promotion} may train it on in rungs ({@link
 *       Promotion#NONE} never does); whenever a slot is free the promotion is asked first, and a
 *       new trial is designed only when it has nothing to start.
 * </ol>
 *
 * <p>Up to the search's parallelism trainings are in flight. Everything the listeners and the
 * journal see happens on the thread that pulls the trials; executors report through a queue. A
 * pipeline does nothing when it is built: the journal is read when it is first asked for a trial
 * ({@link #hasNext} or the restored trials), and nothing is designed or trained before {@link
 * #next}. With one trial in flight and no promotion this is the paper's sequential loop, trial for
 * trial.
 */
final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Search search;
  private final Search.Settings settings;
  private final Map<Integer, InFlight> running = new LinkedHashMap<>();

  /** Trials whose architecture duplicates a running trial: they end when it ends. */
  private final Map<Integer, List<Waiting>> waitingFor = new HashMap<>();

  private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final ArrayDeque<Trial> ready = new ArrayDeque<>();
  private TrialExecutor executor;
  private boolean ownsExecutor;
  private Ledger ledger;
  private Promotion promotion;
  private List<Trial> restored;

  /** Trials and rungs the journal holds as running, started again by the first {@link #next}. */
  private List<Runnable> resume = new ArrayList<>();

  private int nextNumber;
  private int round;
  private boolean finished;
  private SearchResult result;

  private record Waiting(Trial trial, long startMillis) {}

  private record InFlight(
      Trial trial,
      CompletableFuture<TrialExecutor.Execution> future,
      long startMillis,
      Cost cost,
      int rung) {}

  Pipeline(Search search, Search.Settings settings) {
    this.search = search;
    this.settings = settings;
  }

  /** Reads the journal and restores its trials, once; starts nothing. */
  private void open() {
    if (ledger != null || finished) {
      return;
    }
    ownsExecutor = settings.executor() == null;
    executor =
        ownsExecutor
            ? TrialExecutors.inProcess(settings.evaluator(), settings.parallelism())
            : settings.executor();
    Journal opened = null;
    try {
      opened = settings.journal().map(p -> Journal.open(p, search.fingerprint())).orElse(null);
      promotion =
          settings
              .halving()
              .map(
                  h ->
                      h.promotion(
                          new Promotion.Ranking(settings.objective(), settings.target()),
                          settings.journal()))
              .orElse(Promotion.NONE);
    } catch (RuntimeException e) {
      closeExecutor();
      finished = true;
      throw e;
    }
    ledger = new Ledger(settings, opened);
    restored = opened == null ? List.of() : opened.restored();
    List<Trial> again = opened == null ? List.of() : opened.running();
    nextNumber = restored.size() + again.size() + 1;
    round = Stream.concat(restored.stream(), again.stream()).mapToInt(Trial::round).max().orElse(0);
    ledger.restore(restored);
    List<Promotion.Step> unfinished =
        opened == null ? List.of() : promotion.restore(opened, ledger::trial);
    ledger.tell(l -> l.searchStarted(settings.maxIterations(), restored));
    unfinished.forEach(step -> resume.add(() -> startRung(step)));
    for (Trial trial : again) {
      resume.add(
          () -> {
            LOG.info(
                "trial {} was running when the search stopped; running it again",
                trial.iteration());
            dispatch(trial, settings.clock().millis(), false);
          });
    }
  }

  /** Whether the journal was read: the first trial was asked for. */
  boolean opened() {
    return ledger != null;
  }

  /** The trials the journal held as ended, for the stream to hand out first. */
  List<Trial> restored() {
    open();
    return restored;
  }

  /** Whether another trial will end; starts nothing. */
  boolean hasNext() {
    open();
    return !ready.isEmpty()
        || !events.isEmpty()
        || !resume.isEmpty()
        || canDesign()
        || !running.isEmpty()
        || !promotions().isEmpty();
  }

  /** The next trial to end: designs, promotes and hands off trials until one ends. */
  Trial next() {
    open();
    if (!resume.isEmpty()) {
      List<Runnable> again = resume;
      resume = List.of();
      again.forEach(Runnable::run);
    }
    while (ready.isEmpty()) {
      // Trials that ended meanwhile end now, so one round designs for all the slots they free.
      for (Runnable event = events.poll(); event != null; event = events.poll()) {
        event.run();
      }
      if (!ready.isEmpty()) {
        break;
      }
      List<Promotion.Step> steps = promotions();
      if (!steps.isEmpty()) {
        steps.forEach(this::startRung);
      } else if (canDesign()) {
        designRound();
      } else if (!running.isEmpty()) {
        awaitEvent();
      } else {
        throw new NoSuchElementException();
      }
    }
    return ready.poll();
  }

  /** What the promotion would start on the free slots now; nothing once the search stops. */
  private List<Promotion.Step> promotions() {
    if (ledger.stopReason().isPresent()) {
      return List.of();
    }
    return promotion.next(settings.parallelism() - inFlight(), canDesign(), running.size());
  }

  private void startRung(Promotion.Step step) {
    promotion.started(step);
    ledger.rungStarted(step.trial(), step.rung().index());
    Trial trial = ledger.trial(step.trial());
    start(
        trial,
        settings.clock().millis(),
        Cost.of(trial.architecture().orElseThrow()),
        Optional.of(step.rung()));
  }

  private boolean canDesign() {
    return ledger.stopReason().isEmpty()
        && nextNumber <= settings.maxIterations()
        && inFlight() < settings.parallelism();
  }

  private int inFlight() {
    return running.size() + waitingFor.values().stream().mapToInt(List::size).sum();
  }

  /** Propose and screen: one designer round for the free slots. */
  private void designRound() {
    int free =
        Math.min(settings.parallelism() - inFlight(), settings.maxIterations() - nextNumber + 1);
    round++;
    long start = settings.clock().millis();
    List<Trial> history = ledger.history();
    List<Trial> designed =
        running.values().stream().filter(f -> f.rung() == 0).map(InFlight::trial).toList();
    List<DesignContext> slots = new ArrayList<>();
    for (int i = 0; i < free; i++) {
      int number = nextNumber + i;
      ledger.tell(l -> l.trialStarted(number));
      slots.add(
          new DesignContext(
              number,
              history,
              ledger.best(),
              settings.problem(),
              settings.space(),
              settings.template(),
              settings.target(),
              settings.objective(),
              Search.iterationRandom(settings.seed(), number),
              round,
              designed));
    }
    Screen screen = settings.screen();
    List<Proposal> proposals;
    try {
      proposals = Outcomes.ask(settings.designer(), screen.expand(slots, settings.seed()));
    } catch (BudgetExhaustedException e) {
      ledger.stop(e.getMessage());
      LOG.info("search stopped at trial {}: {}", nextNumber, e.getMessage());
      end(
          new Trial(
              nextNumber++,
              settings.designer().name(),
              Optional.empty(),
              Trial.Status.DESIGN_FAILED,
              Optional.empty(),
              Optional.of(e.getMessage()),
              OptionalInt.empty(),
              List.of(),
              seconds(start),
              round,
              List.of()));
      return;
    }
    screen
        .select(proposals, free)
        .forEach(k -> handOff(nextNumber++, k.proposal(), k.score(), start));
  }

  /** Check: records a failed design or a rejection, or goes on to de-duplicate and execute. */
  private void handOff(int number, Proposal proposal, OptionalDouble score, long start) {
    String designer = settings.designer().name();
    if (proposal.failure().isPresent()) {
      end(
          new Trial(
              number,
              designer,
              Optional.empty(),
              Trial.Status.DESIGN_FAILED,
              Optional.empty(),
              proposal.failure(),
              OptionalInt.empty(),
              proposal.exchanges(),
              seconds(start),
              round,
              List.of()));
      return;
    }
    Architecture architecture = proposal.architecture().withName("trial-" + number);
    Trial trial =
        new Trial(
            number,
            designer,
            Optional.of(architecture),
            Trial.Status.RUNNING,
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            proposal.exchanges(),
            0,
            round,
            List.of(),
            score);
    DesignContext.Check check = check(architecture);
    if (!check.violations().isEmpty()) {
      end(
          trial.ended(
              Trial.Status.REJECTED,
              Optional.empty(),
              Optional.of("rejected before training: " + Violation.join(check.violations())),
              OptionalInt.empty(),
              seconds(start),
              List.of()));
      return;
    }
    dispatch(trial, start, true);
  }

  /** {@link DesignContext#check} against everything this run has ended or has running. */
  private DesignContext.Check check(Architecture architecture) {
    return DesignContext.check(architecture, settings.space(), settings.target(), this::twin);
  }

  /** An evaluated trial with this architecture hash, or else a running one: the duplicate rule. */
  private Optional<Trial> twin(String hash) {
    return ledger.evaluated(hash).or(() -> runningTwin(hash));
  }

  private Optional<Trial> runningTwin(String hash) {
    return running.values().stream()
        .filter(f -> f.rung() == 0)
        .map(InFlight::trial)
        .filter(t -> t.hash().filter(hash::equals).isPresent())
        .findFirst();
  }

  /**
   * De-duplicate and execute: reuses the evaluation of an identical ended trial, waits for an
   * identical running one, or hands the trial to the executor. {@code journalStart} is false for a
   * resumed trial, whose started line is already in the journal.
   */
  private void dispatch(Trial trial, long start, boolean journalStart) {
    // The space and budget were checked in handOff (a resumed trial passed them before).
    Optional<Trial> twin = twin(trial.architecture().orElseThrow().hash());
    if (twin.isPresent() && twin.get().status() != Trial.Status.RUNNING) {
      end(trial.reusing(twin.get(), seconds(start)));
      return;
    }
    if (journalStart) {
      ledger.started(trial);
    }
    if (twin.isPresent()) {
      waitingFor
          .computeIfAbsent(twin.get().iteration(), k -> new ArrayList<>())
          .add(new Waiting(trial, start));
      return;
    }
    start(
        trial,
        start,
        Cost.of(trial.architecture().orElseThrow()),
        promotion.first(trial.iteration()));
  }

  private void start(Trial trial, long start, Cost cost, Optional<RungEvaluator.Rung> rung) {
    int number = trial.iteration();
    Architecture architecture = trial.architecture().orElseThrow();
    ledger.tell(l -> l.evaluationStarted(number, architecture));
    TrialExecutor.Events progress =
        new TrialExecutor.Events() {
          @Override
          public void placed(String worker) {
            events.add(() -> ledger.tell(l -> l.trialPlaced(number, worker)));
          }

          @Override
          public void epochFinished(int epoch, int maxEpochs, double validationLoss) {
            events.add(
                () -> ledger.tell(l -> l.epochFinished(number, epoch, maxEpochs, validationLoss)));
          }
        };
    CompletableFuture<TrialExecutor.Execution> future;
    try {
      future = executor.submit(new TrialExecutor.TrialTask(number, architecture, progress, rung));
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    running.put(
        number,
        new InFlight(trial, future, start, cost, rung.map(RungEvaluator.Rung::index).orElse(0)));
    future.whenComplete(
        (execution, error) -> events.add(() -> evaluated(number, execution, error)));
  }

  private void awaitEvent() {
    try {
      events.take().run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SearchAbortedException("interrupted while waiting for running trials");
    }
  }

  /** Record and promote: a training ended. */
  private void evaluated(int number, TrialExecutor.Execution execution, Throwable error) {
    InFlight flight = running.remove(number);
    if (flight == null) {
      return;
    }
    Evaluation evaluation =
        Outcomes.evaluation(number, execution, error, flight.cost(), executor.evaluatorName());
    List<Attempt> attempts = execution != null && error == null ? execution.attempts() : List.of();
    if (flight.rung() > 0) {
      endRung(flight, evaluation, attempts);
      return;
    }
    Trial trial =
        flight
            .trial()
            .ended(
                evaluation.succeeded() ? Trial.Status.COMPLETED : Trial.Status.FAILED,
                Optional.of(evaluation),
                evaluation.failure(),
                OptionalInt.empty(),
                seconds(flight.startMillis()),
                attempts);
    end(trial);
    promotion.ended(trial, 0);
    waitingFor
        .getOrDefault(number, List.of())
        .forEach(waiting -> end(waiting.trial().reusing(trial, seconds(waiting.startMillis()))));
    waitingFor.remove(number);
  }

  /**
   * A later rung ended. Its evaluation says how many epochs it trained in all (the rung before's
   * and this rung's), so history and prompts compare figures knowing how long each trained. A rung
   * that failed is journaled, and the trial keeps the evaluation of the rung before.
   */
  private void endRung(InFlight flight, Evaluation evaluation, List<Attempt> attempts) {
    Trial before = flight.trial();
    int rung = flight.rung();
    if (!evaluation.succeeded()) {
      LOG.warn(
          "rung {} of trial {} failed: {}; the trial keeps its rung {} evaluation",
          rung,
          before.iteration(),
          evaluation.failure().orElse("unknown"),
          rung - 1);
      ledger.rungFailed(before.iteration(), rung, evaluation, attempts);
      ready.add(before.withAttempts(attempts));
      return;
    }
    int epochs = before.evaluation().map(Evaluation::epochs).orElse(0) + evaluation.epochs();
    Trial updated = before.withRung(evaluation.withEpochs(epochs), attempts);
    promotion.ended(updated, rung);
    ledger.endRung(updated, rung, attempts);
    ready.add(updated);
  }

  /** Records an ended trial and makes it the next one the run hands out. */
  private void end(Trial trial) {
    ledger.end(trial);
    ready.add(trial);
  }

  /**
   * Ends the run: trials still in flight are cancelled and stay RUNNING in the journal for a resume
   * (after a normal end none are left; a stop rule's are awaited by {@link #next}), the executor
   * the search created is closed, and the listeners are told. A run that never opened ends with
   * nothing to tell.
   */
  SearchResult finish(boolean complete) {
    if (finished) {
      return result;
    }
    if (ledger == null) {
      finished = true;
      result = search.result(List.of(), Optional.empty());
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
      LOG.info(
          "search ended with {} trial(s) in flight: {}; a resume runs them again",
          running.size(),
          running.keySet());
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
    if (ownsExecutor && executor != null) {
      executor.close();
    }
  }

  private double seconds(long start) {
    return (settings.clock().millis() - start) / 1000.0;
  }
}
