package io.flnas.examples;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.examples.report.Report;
import io.flnas.examples.report.RunReport;
import io.flnas.examples.report.TableOne;
import io.flnas.search.Baselines;
import io.flnas.search.design.Designer;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The FL-NAS command-line program: builds the dataset, trains the baselines, runs the search with
 * the chosen designer, prints Table I and writes the journal, reports, plots and the best model.
 * Exit codes: 0 done, 1 unexpected failure, 2 bad input (one line on standard error, no stack
 * trace).
 */
@Command(name = "flnas", mixinStandardHelpOptions = true, version = "flnas 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Fairness- and hardware-aware neural architecture search driven by a large language"
            + " model (FL-NAS, arXiv 2402.06696).",
        "Trains the baselines and every proposed CNN with DJL on PyTorch, scores accuracy,"
            + " fairness across sex and age groups, and hardware cost, and prints the paper's"
            + " Table I. Runs offline on the embedded synthetic data by default."})
public final class FlNasMain implements Callable<Integer> {
  @Option(names = "--iterations", defaultValue = "10", paramLabel = "N",
      description = "Search iterations (the paper's IterMax). Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
      description = "Seed of data, designers and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--baselines", defaultValue = "resnet18,resnet34,mobilenet_v1,mobilenet_v2",
      paramLabel = "LIST", description = "Comma-separated baselines from "
          + "resnet18, resnet34, mobilenet_v1, mobilenet_v2, small_cnn; or none. Default:"
          + " ${DEFAULT-VALUE}.")
  String baselines;

  @Option(names = "--target", defaultValue = "a10", paramLabel = "TARGET",
      description = "Deployment target and its budgets: a10 (NVIDIA A10), pi4 (Raspberry Pi 4)"
          + " or none. Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--template", defaultValue = "json", paramLabel = "FORMAT",
      description = "Format the designer answers in: json or pytorch. Default: ${DEFAULT-VALUE}.")
  String template;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output folder. Default: a new folder flnas-runs/run-<time> under the"
          + " working directory.")
  Path outDir;

  @Option(names = "--resume",
      description = "Continue the interrupted run in --out: finished trials and baselines are"
          + " not trained again.")
  boolean resume;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "PyTorch threads; 0 lets the engine choose. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--no-progress", description = "No progress bar (for logs and CI).")
  boolean noProgress;

  @Option(names = "--allow-download",
      description = "Let DJL download the libtorch build that matches this machine (the CUDA"
          + " build on a GPU machine, with PYTORCH_FLAVOR naming it) instead of running offline"
          + " on the bundled CPU build. PYTORCH_LIBRARY_PATH pointing at a local libtorch works"
          + " either way.")
  boolean allowDownload;

  @Option(names = "--verbose",
      description = "Show the engine's and libraries' warnings and INFO lines, and the stack"
          + " trace of an unexpected failure.")
  boolean verbose;

  @Mixin
  DataOptions dataOptions = new DataOptions();

  @Mixin
  DesignerOptions designers = new DesignerOptions();

  @Mixin
  ClusterOptions cluster = new ClusterOptions();

  @Mixin
  CostOptions costs = new CostOptions();

  private PrintStream out;
  private PrintStream err;

  /** Runs the program and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // The program owns this process, so it sets process-wide properties here and only here:
    // headless plotting, offline DJL, and its log level (quiet unless --verbose).
    System.setProperty("java.awt.headless", "true");
    System.setProperty("ai.djl.offline", "true");
    QuietEngine.logLevel(Arrays.asList(args).contains("--verbose"));
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the program in-process; returns the exit code. Unlike {@link #main}, it leaves the
   * host's system properties and log level alone (only {@code --allow-download} sets {@code
   * ai.djl.offline}, which DJL reads once per process).
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    FlNasMain command = new FlNasMain();
    command.out = out;
    command.err = err;
    CommandLine cli = new CommandLine(command);
    cli.addSubcommand("worker", new WorkerCommand(out));
    cli.addSubcommand("bench", new BenchCommand(out));
    cli.setOverwrittenOptionsAllowed(true); // the last value given wins
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("flnas: error: " + e.getMessage() + " (see --help)");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) ->
        Failures.report(e, command.verbose, err));
    for (String sub : List.of("worker", "bench")) {
      cli.getSubcommands().get(sub).setExecutionExceptionHandler((e, commandLine, parsed) ->
          Failures.report(e, command.verbose, err));
    }
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    if (allowDownload) {
      // Unavoidably process-wide: DJL reads this property once, when the engine loads (which
      // has not happened yet).
      System.setProperty("ai.djl.offline", "false");
    }
    validate();
    Path dir = RunFolder.prepare(outDir, resume);
    try (RunFolder.Lock lock = RunFolder.lock(dir)) {
      return run(dir, started);
    }
  }

  private Integer run(Path dir, long started) throws Exception {
    DeploymentTarget deploymentTarget = parse(() -> DeploymentTargets.byName(target), "--target");
    Template format = parse(() -> Templates.byName(template), "--template");
    List<String> baselineNames = baselineNames();
    ImageDataset dataset = dataOptions.load(seed);
    out.printf("data: %s, %d images (%d/%d/%d), %s%n", dataset.name(), dataset.size(),
        dataset.train().count(), dataset.validation().count(), dataset.test().count(),
        dataset.input());
    if (dataset.skipped() > 0) {
      out.printf("data: skipped %d undecodable images%n", dataset.skipped());
    }
    Path journal = dir.resolve("journal.jsonl");
    AtomicBoolean finished = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      if (!finished.get()) {
        err.println();
        err.println("flnas: interrupted; the journal " + journal + " keeps every finished trial."
            + " Continue with --resume --out " + dir);
      }
    });
    if (!verbose) {
      QuietEngine.warmUp(dir, err);
    }
    Runtime.getRuntime().addShutdownHook(hook);
    try (DjlEvaluator evaluator = build(DjlEvaluator.builder(dataset)
        .maxEpochs(dataOptions.maxEpochs).patience(2).seed(seed).threads(threads)
        .precision(costs.precision()));
        ClusterOptions.Cluster workers = cluster.clustered()
            ? cluster.start(dataOptions.workSpec(seed).withPrecision(costs.precision().name()
                .toLowerCase(java.util.Locale.ROOT)), evaluator, dir, threads, out) : null) {
      out.printf("engine: %s, training on %s%n", DjlEvaluator.engineDescription(),
          workers == null ? evaluator.deviceName() : workers.executor().workers().size()
              + " worker(s)");
      Search.Builder builder = (workers == null ? Search.builder(dataset.problem(), evaluator)
          : Search.builder(dataset.problem(), workers.executor())
              .parallelism(cluster.parallelism(workers.executor().slots())))
          .space(SearchSpaces.paperCnn()).template(format).target(deploymentTarget)
          .maxIterations(iterations).seed(seed).journal(journal);
      costs.apply(builder, dataset, seed, dataOptions.maxEpochs);
      Designer chosen = designers.create(out);
      builder.designer(chosen);
      // A bar redrawn with carriage returns only makes sense on a terminal.
      boolean interactive = System.console() != null && out == System.out;
      ConsoleListener console = new ConsoleListener(out, err, !noProgress && interactive);
      builder.listener(console);
      Search search = builder.build();
      designers.checkReplay(search);

      List<Baselines.Baseline> baselineResults = new BaselineStore(dir.resolve(
          "baselines.jsonl")).evaluate(evaluator, workers == null ? null : workers.executor(),
          dataset, baselineNames, out);
      // The live report follows the search once the baselines it compares with are known.
      RunReport report = new RunReport(dir, configuration(dataset, chosen, deploymentTarget,
          search), baselineResults, search, RunReport.split(dataset.numClasses(),
          dataset.test().labels(), dataset.test().groups(), seed), Clock.systemDefaultZone());
      search = builder.listener(report).build();
      out.printf("search: %d iterations with %s, target %s%s%s%n", iterations, chosen.name(),
          deploymentTarget.name(), search.parallelism() > 1 ? ", " + search.parallelism()
              + " trials in flight" : "", costs.describe(dataOptions.maxEpochs));
      SearchResult result;
      try {
        result = search.run();
      } finally {
        console.close();
      }
      TableOne table = report.table(result);
      out.println();
      out.println("Table I (" + dataset.name() + ", target " + deploymentTarget.name() + ")");
      out.print(table.toText());
      String exportNote = RunFolder.exportBest(evaluator, result, dir);
      report.finish(result, table, exportNote, elapsed(started));
      out.println();
      out.println(exportNote);
      out.println("wrote " + dir.resolve(Report.MARKDOWN) + ", " + Report.HTML + ", plots and "
          + journal.getFileName() + " in " + dir);
      out.println("finished in " + elapsed(started));
      finished.set(true);
      return 0;
    } finally {
      finished.set(true);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting: the hook has run
      }
    }
  }

  /** The evaluator, or a usage error where its precision cannot run (no bf16 units). */
  private static DjlEvaluator build(io.flnas.djl.train.DjlEvaluatorBuilder builder) {
    try {
      return builder.build();
    } catch (io.flnas.djl.train.PrecisionUnavailableException e) {
      throw new UsageException("--precision: " + e.getMessage());
    }
  }

  private void validate() {
    if (iterations <= 0) {
      throw new UsageException("--iterations must be > 0, but was " + iterations);
    }
    dataOptions.validate();
    if (threads < 0) {
      throw new UsageException("--threads must be >= 0, but was " + threads);
    }
    cluster.validate(out);
    costs.validate(dataOptions.maxEpochs);
    designers.validate();
  }

  private static <T> T parse(java.util.function.Supplier<T> parser, String option) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private List<String> baselineNames() {
    if (baselines.equalsIgnoreCase("none") || baselines.isBlank()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : baselines.split(",")) {
      String trimmed = name.trim();
      boolean known = ReferenceArchitectures.NAMES.stream().anyMatch(n ->
          n.replace("_", "").equalsIgnoreCase(trimmed.replace("_", "").replace("-", "")));
      if (!known) {
        throw new UsageException("unknown baseline '" + trimmed + "' in --baselines; expected"
            + " names from " + ReferenceArchitectures.NAMES + " or none");
      }
      names.add(trimmed);
    }
    return names;
  }

  private Map<String, String> configuration(ImageDataset dataset, Designer chosen,
      DeploymentTarget deploymentTarget, Search search) {
    Map<String, String> configuration = new LinkedHashMap<>();
    configuration.put("data", dataset.description() + ", " + dataset.size() + " images");
    configuration.put("designer", chosen.name());
    configuration.put("iterations", String.valueOf(iterations));
    configuration.put("seed", String.valueOf(seed));
    configuration.put("target", deploymentTarget.promptText());
    configuration.put("template", search.template().name());
    configuration.put("training", "max " + dataOptions.maxEpochs + " epochs, patience 2, Adam 1e-3, batch 64");
    configuration.put("command", "flnas " + String.join(" ", originalArgs()));
    return configuration;
  }

  private List<String> originalArgs() {
    List<String> args = new ArrayList<>(Arrays.asList("--data", dataOptions.data, "--iterations",
        String.valueOf(iterations), "--seed", String.valueOf(seed), "--max-epochs",
        String.valueOf(dataOptions.maxEpochs), "--target", target, "--baselines", baselines));
    if (designers.designer != null) {
      args.addAll(List.of("--designer", designers.designer));
    }
    return args;
  }

  private static String elapsed(long started) {
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    return seconds >= 60 ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
  }

}
