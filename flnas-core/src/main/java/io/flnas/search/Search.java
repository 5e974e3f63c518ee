package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.search.promote.Halving;
import io.flnas.search.promote.RungEvaluator;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objective;
import io.flnas.search.rank.Objectives;
import io.flnas.search.screen.Prescreen;
import io.flnas.search.screen.ProxyScorer;
import io.flnas.search.screen.Screen;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpace;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One FL-NAS search (the paper's Algorithm 1), as a scheduler of concurrent trials: while fewer
 * than its {@linkplain Builder#parallelism parallelism} trials are in flight, it asks the designer
 * for one proposal per free slot, rejects before training a proposal that breaks the search space
 * or a hard budget, reuses the evaluation of an identical earlier proposal, hands the rest to its
 * {@link TrialExecutor}, and records and journals each trial as it ends. With one trial in flight
 * (the default) this is the paper's sequential loop. Immutable and reusable: each {@link #run()} or
 * {@link #stream()} starts from the journal (when one is set) or from nothing.
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
  private final Settings settings;

  /** Everything a run needs, as the builder left it. */
  record Settings(
      Problem problem,
      Evaluator evaluator,
      TrialExecutor executor,
      int parallelism,
      Designer designer,
      SearchSpace space,
      Template template,
      DeploymentTarget target,
      Objective objective,
      int maxIterations,
      long seed,
      List<SearchListener> listeners,
      Optional<Path> journal,
      List<Metric> paretoMetrics,
      List<StopRule> stopRules,
      Clock clock,
      Optional<Halving> halving,
      Screen screen) {}

  private Search(Builder b) {
    int parallelism =
        b.parallelism > 0 ? b.parallelism : b.executor != null ? b.executor.slots() : 1;
    this.settings =
        new Settings(
            b.problem,
            b.evaluator,
            b.executor,
            parallelism,
            b.designer,
            b.space,
            b.template,
            b.target,
            b.objective,
            b.maxIterations,
            b.seed,
            List.copyOf(b.listeners),
            Optional.ofNullable(b.journal),
            List.copyOf(b.paretoMetrics),
            List.copyOf(b.stopRules),
            b.clock,
            Optional.ofNullable(b.halving),
            b.screen);
  }

  /** Starts a builder with the two collaborators every search needs. */
  public static Builder builder(Problem problem, Evaluator evaluator) {
    Preconditions.checkArgument(evaluator != null, "evaluator must not be null");
    return new Builder(problem, evaluator, null);
  }

  /**
   * Starts a builder whose trials run on an executor the caller owns (and closes), e.g. a cluster
   * of workers; the search's default parallelism is then the executor's slots.
   */
  public static Builder builder(Problem problem, TrialExecutor executor) {
    Preconditions.checkArgument(executor != null, "executor must not be null");
    return new Builder(problem, null, executor);
  }

  /** Runs every remaining trial and returns the result: {@link #stream()} collected. */
  public SearchResult run() {
    Pipeline pipeline = pipeline();
    try (Stream<Trial> trials = TrialStream.of(pipeline)) {
      trials.forEach(trial -> {});
    }
    return pipeline.finish(true);
  }

  /**
   * The trials as a lazy stream: restored trials first, then each new trial as it ends (with
   * several in flight, in the order they end). {@code limit}, {@code takeWhile} and
   * short-circuiting collectors stop the search early; the journal is written as trials end.
   * However the stream ends, the search-finished event fires and the executor the search created is
   * released: at once when it is exhausted or a trial fails it, otherwise when it is closed, so
   * close a stream you cut short (try-with-resources). Trials in flight at that point are cancelled
   * and stay RUNNING in the journal, for a resume to run again.
   *
   * <p>Building the stream does nothing: the journal is read when the first element is asked for,
   * and nothing is designed or trained before one is pulled. {@code hasNext} on its iterator only
   * says whether another trial will come.
   */
  public Stream<Trial> stream() {
    return TrialStream.of(pipeline());
  }

  /** A new run of this search; nothing happens until it is asked for a trial. */
  Pipeline pipeline() {
    return new Pipeline(this, settings);
  }

  /**
   * The result this search reports for a history: the best trial by its objective within its
   * target, and the Pareto front over its metrics. The search ends with it; a listener may build
   * one for the trials so far (a live report, say).
   */
  public SearchResult result(List<Trial> history, Optional<String> stopReason) {
    return new SearchResult(
        settings.objective().best(history, settings.target()),
        Objectives.paretoFront(history, settings.paretoMetrics().toArray(Metric[]::new)),
        history,
        stopReason);
  }

  /**
   * The configuration fingerprint written to the journal header: everything that decides which
   * trials a search produces, except the trial count (so a finished search can be extended) and the
   * parallelism and executor (so a search can resume on more or fewer workers).
   */
  public Map<String, String> fingerprint() {
    Map<String, String> fp = new LinkedHashMap<>();
    Problem problem = settings.problem();
    fp.put(
        "problem",
        problem.description() + " " + problem.input() + " classes=" + problem.numClasses());
    fp.put("seed", Long.toString(settings.seed()));
    fp.put("designer", settings.designer().name());
    fp.put(
        "evaluator",
        settings.executor() != null
            ? settings.executor().evaluatorName()
            : settings.evaluator().name());
    fp.put("search_space", settings.space().fingerprint());
    fp.put("template", settings.template().name());
    fp.put("target", settings.target().toString());
    fp.put("objective", settings.objective().name());
    // Only when set, so the journals of plain searches keep their fingerprint.
    settings.halving().ifPresent(h -> fp.put("halving", h.toString()));
    if (!settings.screen().describe().isEmpty()) {
      fp.put("prescreen", settings.screen().describe());
    }
    return fp;
  }

  public Problem problem() {
    return settings.problem();
  }

  public SearchSpace space() {
    return settings.space();
  }

  public Template template() {
    return settings.template();
  }

  public DeploymentTarget target() {
    return settings.target();
  }

  public Objective objective() {
    return settings.objective();
  }

  public int maxIterations() {
    return settings.maxIterations();
  }

  /** Trials in flight at most. */
  public int parallelism() {
    return settings.parallelism();
  }

  public long seed() {
    return settings.seed();
  }

  public Optional<Path> journal() {
    return settings.journal();
  }

  /** The generator of one trial, derived from the seed so a resumed run proposes the same. */
  public static Random iterationRandom(long seed, int iteration) {
    return new Random(seed * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L);
  }

  /** Settings of a {@link Search}. Each setter validates at once and documents its default. */
  public static final class Builder {
    private final Problem problem;
    private final Evaluator evaluator;
    private final TrialExecutor executor;
    private int parallelism;
    private Halving halving;
    private final List<StopRule> stopRules = new ArrayList<>();
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
    private Screen screen = Screen.NONE;
    private ProxyScorer scorer;
    private int candidatesPerSlot;

    private Builder(Problem problem, Evaluator evaluator, TrialExecutor executor) {
      Preconditions.checkArgument(problem != null, "problem must not be null");
      this.problem = problem;
      this.evaluator = evaluator;
      this.executor = executor;
    }

    /**
     * Trials in flight at most; default 1 (the paper's sequential loop), or the executor's slots
     * for a search built on an executor. In-process, more than one means the evaluator is called
     * from that many threads at once.
     */
    public Builder parallelism(int value) {
      Preconditions.checkArgument(value > 0, "parallelism must be > 0, but was %s", value);
      this.parallelism = value;
      return this;
    }

    /**
     * Adds a rule that stops the search early (see {@link StopRules}); none by default. The first
     * rule that answers stops it; trials in flight are awaited.
     */
    public Builder stopWhen(StopRule value) {
      Preconditions.checkArgument(value != null, "stop rule must not be null");
      this.stopRules.add(value);
      return this;
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

    /**
     * Trains candidates by successive halving ({@link Halving}, asynchronous unless it says
     * otherwise); none by default (every trial trains fully). The evaluator must be a {@link
     * RungEvaluator}, or the executor one that {@linkplain TrialExecutor#continuesRungs continues
     * rungs}.
     */
    public Builder halving(Halving value) {
      Preconditions.checkArgument(value != null, "halving must not be null");
      Preconditions.checkArgument(
          evaluator != null ? evaluator instanceof RungEvaluator : executor.continuesRungs(),
          "successive halving needs an evaluator that can continue a trial from its weights"
              + " (a RungEvaluator), which %s is not",
          evaluator != null ? evaluator.name() : executor.evaluatorName());
      this.halving = value;
      return this;
    }

    /** Trials in all, restored ones included; default 10 (the paper's IterMax). */
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

    /**
     * Pre-screens proposals with a zero-cost proxy; off by default. Each round then asks the
     * designer for {@code candidatesPerSlot} proposals per free slot, scores the valid ones and
     * trains only the best-scoring, one per slot; kept trials record their {@link
     * Trial#proxyScore()}, screened-out candidates consume no trial numbers (see the numbering
     * rules in the package's {@code Prescreen}). One candidate per slot scores without screening.
     */
    public Builder prescreen(ProxyScorer scorer, int candidatesPerSlot) {
      Preconditions.checkArgument(scorer != null, "scorer must not be null");
      Preconditions.checkArgument(
          candidatesPerSlot > 0, "candidatesPerSlot must be > 0, but was %s", candidatesPerSlot);
      this.scorer = scorer;
      this.candidatesPerSlot = candidatesPerSlot;
      this.screen = null;
      return this;
    }

    /**
     * The screening stage of the pipeline, for a screen of your own; default {@link Screen#NONE}
     * (replaces a {@link #prescreen}).
     */
    public Builder screen(Screen value) {
      Preconditions.checkArgument(value != null, "screen must not be null");
      this.screen = value;
      this.scorer = null;
      return this;
    }

    public Search build() {
      if (evaluator != null && parallelism > evaluator.concurrency()) {
        throw new IllegalArgumentException(
            "evaluator "
                + evaluator.name()
                + " runs "
                + evaluator.concurrency()
                + " evaluation(s) at a time in a process, not "
                + parallelism
                + "; run trials in parallel on workers (a TrialExecutor such as the cluster's)");
      }
      if (scorer != null) {
        // The pre-screen checks candidates against the space and target set last.
        screen = new Prescreen(scorer, candidatesPerSlot, space, target);
      }
      return new Search(this);
    }
  }
}
