package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.BudgetExhaustedException;
import io.flnas.DesignerException;
import io.flnas.SearchAbortedException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Shapes;
import io.flnas.arch.Violation;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.HardwareReport;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpace;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FL-NAS search (the paper's Algorithm 1): for each iteration, find the best trial so far, ask
 * the designer for a proposal, reject it before training if it breaks the search space or a hard
 * budget, reuse the evaluation of an identical earlier proposal, otherwise evaluate it, record the
 * trial and journal it. Immutable and reusable: each {@link #run()} or {@link #stream()} starts
 * from the journal (when one is set) or from nothing.
 *
 * <pre>{@code
 * SearchResult result = Search.builder(problem, evaluator)
 *     .designer(Designers.evolution())
 *     .maxIterations(10)
 *     .seed(42)
 *     .journal(Path.of("out/journal.jsonl"))
 *     .listener(SearchListeners.logging())
 *     .build()
 *     .run();
 * }</pre>
 */
public final class Search {
  private static final Logger LOG = LoggerFactory.getLogger(Search.class);

  private final Problem problem;
  private final Evaluator evaluator;
  private final Designer designer;
  private final SearchSpace space;
  private final Template template;
  private final DeploymentTarget target;
  private final Objective objective;
  private final int maxIterations;
  private final long seed;
  private final List<SearchListener> listeners;
  private final Optional<Path> journal;
  private final List<Metric> paretoMetrics;
  private final Clock clock;

  private Search(Builder b) {
    this.problem = b.problem;
    this.evaluator = b.evaluator;
    this.designer = b.designer;
    this.space = b.space;
    this.template = b.template;
    this.target = b.target;
    this.objective = b.objective;
    this.maxIterations = b.maxIterations;
    this.seed = b.seed;
    this.listeners = List.copyOf(b.listeners);
    this.journal = Optional.ofNullable(b.journal);
    this.paretoMetrics = List.copyOf(b.paretoMetrics);
    this.clock = b.clock;
  }

  /** Starts a builder with the two collaborators every search needs. */
  public static Builder builder(Problem problem, Evaluator evaluator) {
    return new Builder(problem, evaluator);
  }

  /** Runs every remaining iteration and returns the result. */
  public SearchResult run() {
    Run run = new Run();
    while (run.hasNext()) {
      run.next();
    }
    return run.finish();
  }

  /**
   * The trials as a lazy stream: restored trials first, then one new trial per element, designed
   * and evaluated when the element is pulled. {@code limit}, {@code takeWhile} and short-circuiting
   * collectors stop the search early; the journal is written as trials are pulled.
   */
  public Stream<Trial> stream() {
    Run run = new Run();
    Iterator<Trial> iterator = new Iterator<>() {
      private int restoredIndex;

      @Override
      public boolean hasNext() {
        return restoredIndex < run.restored.size() || run.hasNext();
      }

      @Override
      public Trial next() {
        if (restoredIndex < run.restored.size()) {
          return run.restored.get(restoredIndex++);
        }
        if (!run.hasNext()) {
          throw new NoSuchElementException();
        }
        return run.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * The configuration fingerprint written to the journal header: everything that decides which
   * trials a search produces, except the iteration count (so a finished search can be extended).
   */
  /**
   * The result this search reports for a history: the best trial by its objective within its
   * target, and the Pareto front over its metrics. The search ends with it; a listener may build
   * one for the trials so far (a live report, say).
   */
  public SearchResult result(List<Trial> history, Optional<String> stopReason) {
    return new SearchResult(objective.best(history, target),
        Objectives.paretoFront(history, paretoMetrics.toArray(Metric[]::new)), history,
        stopReason);
  }

  public Map<String, String> fingerprint() {
    Map<String, String> fp = new LinkedHashMap<>();
    fp.put("problem", problem.description() + " " + problem.input() + " classes="
        + problem.numClasses());
    fp.put("seed", Long.toString(seed));
    fp.put("designer", designer.name());
    fp.put("evaluator", evaluator.name());
    fp.put("search_space", space.fingerprint());
    fp.put("template", template.name());
    fp.put("target", target.toString());
    fp.put("objective", objective.name());
    return fp;
  }

  public Problem problem() {
    return problem;
  }

  public SearchSpace space() {
    return space;
  }

  public Template template() {
    return template;
  }

  public DeploymentTarget target() {
    return target;
  }

  public Objective objective() {
    return objective;
  }

  public int maxIterations() {
    return maxIterations;
  }

  public long seed() {
    return seed;
  }

  public Optional<Path> journal() {
    return journal;
  }

  /** The generator of one iteration, derived from the seed so a resumed run proposes the same. */
  static Random iterationRandom(long seed, int iteration) {
    return new Random(seed * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L);
  }

  /** The state of one run. */
  private final class Run {
    final List<Trial> history = new ArrayList<>();
    /** First evaluated trial per architecture hash: hashing every earlier trial each time is O(n^2). */
    final Map<String, Trial> evaluatedByHash = new java.util.HashMap<>();
    final List<Trial> restored;
    Optional<Trial> best;
    final Journal log;
    Optional<String> stopReason = Optional.empty();
    boolean finished;

    Run() {
      log = journal.map(path -> Journal.open(path, fingerprint())).orElse(null);
      restored = log == null ? List.of() : log.restored();
      restored.forEach(this::record);
      best = objective.best(history, target);
      notify(l -> l.searchStarted(maxIterations, restored));
    }

    boolean hasNext() {
      return stopReason.isEmpty() && history.size() < maxIterations;
    }

    Trial next() {
      int iteration = history.size() + 1;
      notify(l -> l.trialStarted(iteration));
      long start = clock.millis();
      DesignContext context = new DesignContext(iteration, history, best, problem, space,
          template, target, objective, iterationRandom(seed, iteration));
      Trial trial;
      try {
        Proposal proposal = designer.propose(context);
        trial = judge(iteration, proposal, start);
      } catch (BudgetExhaustedException e) {
        stopReason = Optional.of(e.getMessage());
        LOG.info("search stopped at iteration {}: {}", iteration, e.getMessage());
        trial = new Trial(iteration, designer.name(), Optional.empty(),
            Trial.Status.DESIGN_FAILED, Optional.empty(), Optional.of(e.getMessage()),
            OptionalInt.empty(), List.of(), seconds(start));
      } catch (SearchAbortedException e) {
        // Not journaled: a resumed run retries this iteration once the cause is fixed.
        throw e;
      } catch (RuntimeException e) {
        List<Exchange> exchanges = e instanceof DesignerException d ? exchangesOf(d) : List.of();
        trial = new Trial(iteration, designer.name(), Optional.empty(),
            Trial.Status.DESIGN_FAILED, Optional.empty(), Optional.of(describe(e)),
            OptionalInt.empty(), exchanges, seconds(start));
      }
      record(trial);
      if (log != null) {
        log.append(trial);
      }
      best = objective.best(history, target);
      Trial recorded = trial;
      Optional<Trial> newBest = best;
      notify(l -> l.trialFinished(recorded, newBest));
      return trial;
    }

    private void record(Trial trial) {
      history.add(trial);
      if (trial.evaluation().isPresent() && trial.architecture().isPresent()) {
        evaluatedByHash.putIfAbsent(trial.architecture().get().hash(), trial);
      }
    }

    private Trial judge(int iteration, Proposal proposal, long start) {
      Architecture architecture = proposal.architecture().withName("trial-" + iteration);
      List<Violation> violations = new ArrayList<>(space.validate(architecture));
      Cost cost = null;
      if (violations.isEmpty() || Shapes.infer(architecture).valid()) {
        cost = Cost.of(architecture);
        violations.addAll(target.check(cost));
      }
      if (!violations.isEmpty()) {
        return new Trial(iteration, designer.name(), Optional.of(architecture),
            Trial.Status.REJECTED, Optional.empty(),
            Optional.of("rejected before training: " + Violation.join(violations)),
            OptionalInt.empty(),
            proposal.exchanges(), seconds(start));
      }
      Trial earlier = evaluatedByHash.get(architecture.hash());
      if (earlier != null) {
        Evaluation reused = earlier.evaluation().get();
        int original = earlier.iteration();
        return new Trial(iteration, designer.name(), Optional.of(architecture),
            reused.succeeded() ? Trial.Status.COMPLETED : Trial.Status.FAILED,
            Optional.of(reused), reused.failure().map(f -> "same as #" + original + ": " + f),
            OptionalInt.of(original), proposal.exchanges(), seconds(start));
      }
      notify(l -> l.evaluationStarted(iteration, architecture));
      Evaluation evaluation;
      try {
        evaluation = evaluator.evaluate(architecture, (epoch, max, loss) ->
            notify(l -> l.epochFinished(iteration, epoch, max, loss)));
        Preconditions.checkState(evaluation != null, "evaluator %s returned null", evaluator.name());
      } catch (RuntimeException e) {
        LOG.warn("evaluation of iteration {} failed", iteration, e);
        evaluation = Evaluation.failed("evaluation failed: " + describe(e),
            HardwareReport.analytic(cost));
      }
      return new Trial(iteration, designer.name(), Optional.of(architecture),
          evaluation.succeeded() ? Trial.Status.COMPLETED : Trial.Status.FAILED,
          Optional.of(evaluation), evaluation.failure(), OptionalInt.empty(),
          proposal.exchanges(), seconds(start));
    }

    SearchResult finish() {
      if (finished) {
        throw new IllegalStateException("run already finished");
      }
      finished = true;
      boolean allFailed = !history.isEmpty()
          && history.stream().allMatch(t -> t.status() == Trial.Status.DESIGN_FAILED);
      if (allFailed && stopReason.isEmpty()) {
        throw new DesignerException("every one of the " + history.size() + " iterations failed"
            + " to design a valid proposal; the last error: "
            + history.get(history.size() - 1).reason().orElse("unknown")
            + journal.map(p -> " (journal kept at " + p + ")").orElse(""));
      }
      SearchResult result = result(history, stopReason);
      notify(l -> l.searchFinished(result));
      return result;
    }

    private double seconds(long start) {
      return (clock.millis() - start) / 1000.0;
    }

    private void notify(java.util.function.Consumer<SearchListener> event) {
      for (SearchListener listener : listeners) {
        try {
          event.accept(listener);
        } catch (RuntimeException e) {
          LOG.warn("search listener {} failed", listener, e);
        }
      }
    }
  }

  private static List<Exchange> exchangesOf(DesignerException e) {
    return e instanceof DesignerFailure f ? f.exchanges() : List.of();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }


  /** Settings of a {@link Search}. Each setter validates at once and documents its default. */
  public static final class Builder {
    private final Problem problem;
    private final Evaluator evaluator;
    private Designer designer = Designers.evolution();
    private SearchSpace space = SearchSpaces.paperCnn();
    private Template template = Templates.json();
    private DeploymentTarget target = DeploymentTargets.a10();
    private Objective objective = Objectives.flNas();
    private int maxIterations = 10;
    private long seed = 42;
    private final List<SearchListener> listeners = new ArrayList<>();
    private Path journal;
    private List<Metric> paretoMetrics = List.of(Metric.ACCURACY, Metric.UNFAIRNESS);
    private Clock clock = Clock.systemUTC();

    private Builder(Problem problem, Evaluator evaluator) {
      Preconditions.checkArgument(problem != null, "problem must not be null");
      Preconditions.checkArgument(evaluator != null, "evaluator must not be null");
      this.problem = problem;
      this.evaluator = evaluator;
    }

    /** Who proposes architectures; default {@link Designers#evolution()}. */
    public Builder designer(Designer value) {
      Preconditions.checkArgument(value != null, "designer must not be null");
      this.designer = value;
      return this;
    }

    /** The Choices; default {@link SearchSpaces#paperCnn()}. */
    public Builder space(SearchSpace value) {
      Preconditions.checkArgument(value != null, "space must not be null");
      this.space = value;
      return this;
    }

    /** The format designers follow; default {@link Templates#json()}. */
    public Builder template(Template value) {
      Preconditions.checkArgument(value != null, "template must not be null");
      this.template = value;
      return this;
    }

    /** The deployment target and its budgets; default {@link DeploymentTargets#a10()}. */
    public Builder target(DeploymentTarget value) {
      Preconditions.checkArgument(value != null, "target must not be null");
      this.target = value;
      return this;
    }

    /** How trials are ranked; default {@link Objectives#flNas()}. */
    public Builder objective(Objective value) {
      Preconditions.checkArgument(value != null, "objective must not be null");
      this.objective = value;
      return this;
    }

    /** Iterations in all, restored ones included; default 10 (the paper's IterMax). */
    public Builder maxIterations(int value) {
      Preconditions.checkArgument(value > 0, "maxIterations must be > 0, but was %s", value);
      this.maxIterations = value;
      return this;
    }

    /** Seed of every designer decision; default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Adds a listener; none by default. */
    public Builder listener(SearchListener value) {
      Preconditions.checkArgument(value != null, "listener must not be null");
      this.listeners.add(value);
      return this;
    }

    /**
     * The JSON Lines journal; none by default. An existing journal written under the same
     * configuration is resumed; one from another configuration is refused when the search runs.
     */
    public Builder journal(Path value) {
      Preconditions.checkArgument(value != null, "journal must not be null");
      this.journal = value;
      return this;
    }

    /** Metrics of the Pareto front in the result; default accuracy and unfairness. */
    public Builder paretoMetrics(Metric... metrics) {
      Preconditions.checkArgument(metrics.length > 0, "paretoMetrics must not be empty");
      this.paretoMetrics = List.of(metrics);
      return this;
    }

    /** The clock that times trials; default the system UTC clock. */
    public Builder clock(Clock value) {
      Preconditions.checkArgument(value != null, "clock must not be null");
      this.clock = value;
      return this;
    }

    public Search build() {
      return new Search(this);
    }
  }
}
