package io.flnas.examples;

import io.flnas.JournalMismatchException;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.DataException;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.examples.report.Report;
import io.flnas.examples.report.RunReport;
import io.flnas.examples.report.TableOne;
import io.flnas.llm.ChatModels;
import io.flnas.llm.ConfiguredModel;
import io.flnas.llm.LlmDesigner;
import io.flnas.llm.ModelAccessException;
import io.flnas.llm.ReplayChatModel;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Baselines;
import io.flnas.search.Designer;
import io.flnas.search.Designers;
import io.flnas.search.Fingerprints;
import io.flnas.search.Journal;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
  /**
   * The default synthetic experiment: as many images as the README's first command trains in
   * about 8 minutes on 2 CPU cores, four small-input baselines and 10 iterations included, so the
   * test split is as large as that time allows. 16 px rather than 32 px: the baselines' small-input
   * variants keep their maps large (that is what makes them learn), which costs about 2.2 times
   * as much per image at 32 px, so at 32 px fewer than half as many images would fit.
   */
  static final int SYNTHETIC_SAMPLES = 1400;

  static final int SYNTHETIC_IMAGE_SIZE = 16;

  static final List<String> DESIGNERS = List.of("llm", "evolution", "random", "replay:<journal>");

  @Option(names = "--data", defaultValue = "synthetic", paramLabel = "SOURCE",
      description = "synthetic (the embedded default) or isic:<dir> (an ISIC 2019 folder with"
          + " the ground-truth and metadata CSVs and ISIC_2019_Training_Input/). Default:"
          + " ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--designer", paramLabel = "DESIGNER",
      description = "llm (GPT-4 family through LangChain4j; needs OPENAI_API_KEY or an Ollama"
          + " --model), evolution (regularized evolution), random, or replay:<journal> (re-run the"
          + " model replies recorded in a journal). Default: llm when OPENAI_API_KEY is set,"
          + " otherwise evolution.")
  String designer;

  @Option(names = "--model", defaultValue = ChatModels.DEFAULT_OPENAI_MODEL, paramLabel = "NAME",
      description = "Chat model of the llm designer: an OpenAI model name, or ollama:<name> for a"
          + " local Ollama model. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "Endpoint of the model: an OpenAI-compatible base URL (Azure, a proxy) or the"
          + " Ollama URL. Default: the provider's own.")
  String baseUrl;

  @Option(names = "--iterations", defaultValue = "10", paramLabel = "N",
      description = "Search iterations (the paper's IterMax). Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
      description = "Seed of data, designers and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--image-size", paramLabel = "PX",
      description = "Image side after resizing. Default: " + SYNTHETIC_IMAGE_SIZE
          + " for synthetic, 64 for ISIC.")
  Integer imageSize;

  @Option(names = "--samples", paramLabel = "N",
      description = "Images in all: the synthetic dataset size, or the ISIC balanced subset."
          + " Default: " + SYNTHETIC_SAMPLES + " for synthetic, 5000 for ISIC (the paper's).")
  Integer samples;

  @Option(names = "--max-epochs", defaultValue = "4", paramLabel = "N",
      description = "Upper bound on training epochs per model (early stopping on validation"
          + " loss, patience 2). Default: ${DEFAULT-VALUE}.")
  int maxEpochs;

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

  @Option(names = "--provider-retries", defaultValue = "4", paramLabel = "N",
      description = "Retries of a model request that hit a rate limit, a server error, a timeout"
          + " or an unreachable endpoint, with exponential backoff from 2 s. Default:"
          + " ${DEFAULT-VALUE}.")
  int providerRetries;

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
  ClusterOptions cluster = new ClusterOptions();

  private PrintStream out;
  private PrintStream err;

  /** Runs the program and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.setProperty("ai.djl.offline", "true");
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the program in-process; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    FlNasMain command = new FlNasMain();
    command.out = out;
    command.err = err;
    CommandLine cli = new CommandLine(command);
    cli.addSubcommand("worker", new WorkerCommand(out));
    cli.setOverwrittenOptionsAllowed(true); // the last value given wins
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("flnas: error: " + e.getMessage() + " (see --help)");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) ->
        report(e, command.verbose, err));
    cli.getSubcommands().get("worker").setExecutionExceptionHandler((e, commandLine, parsed) ->
        report(e, command.verbose, err));
    return cli.execute(args);
  }

  /**
   * Prints a failure for people and returns the exit code: bad input (usage, data, a journal
   * from another configuration, a model that cannot be reached or used) is one line and exit 2;
   * anything else is one line and exit 1, with the stack trace only when {@code verbose}.
   */
  static int report(Exception e, boolean verbose, PrintStream err) {
    if (e instanceof UsageException || e instanceof DataException
        || e instanceof JournalMismatchException || e instanceof ModelAccessException
        || e instanceof io.flnas.djl.cluster.ClusterException) {
      err.println("flnas: error: " + e.getMessage());
      return 2;
    }
    err.println("flnas: failed: " + oneLine(e)
        + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    return 1;
  }

  /** The failure and its root cause in one line, e.g. {@code IllegalStateException: x (...)}. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    for (int depth = 0; depth < 20 && root.getCause() != null && root.getCause() != root;
        depth++) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root != e) {
      text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return text.replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    QuietEngine.logLevel(verbose);
    if (allowDownload) {
      // read by DJL when the engine loads, which has not happened yet
      System.setProperty("ai.djl.offline", "false");
    }
    validate();
    Path dir = outputFolder();
    DeploymentTarget deploymentTarget = parse(() -> DeploymentTargets.byName(target), "--target");
    Template format = parse(() -> Templates.byName(template), "--template");
    List<String> baselineNames = baselineNames();
    ImageDataset dataset = loadData();
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
      QuietEngine.warmUp();
    }
    Runtime.getRuntime().addShutdownHook(hook);
    try (DjlEvaluator evaluator = DjlEvaluator.builder(dataset).maxEpochs(maxEpochs).patience(2)
        .seed(seed).threads(threads).build();
        ClusterOptions.Cluster workers = cluster.clustered()
            ? cluster.start(workSpec(), evaluator, dir, threads, out) : null) {
      out.printf("engine: %s, training on %s%n", DjlEvaluator.engineDescription(),
          workers == null ? evaluator.deviceName() : workers.executor().workers().size()
              + " worker(s)");
      Search.Builder builder = (workers == null ? Search.builder(dataset.problem(), evaluator)
          : Search.builder(dataset.problem(), workers.executor())
              .parallelism(cluster.parallelism(workers.executor().slots())))
          .space(SearchSpaces.paperCnn()).template(format).target(deploymentTarget)
          .maxIterations(iterations).seed(seed).journal(journal);
      Designer chosen = designer(builder, dataset);
      builder.designer(chosen);
      // A bar redrawn with carriage returns only makes sense on a terminal.
      boolean interactive = System.console() != null && out == System.out;
      ConsoleListener console = new ConsoleListener(out, err, !noProgress && interactive);
      builder.listener(console);
      Search search = builder.build();
      checkReplay(search);

      List<Baselines.Baseline> baselineResults = baselines(evaluator, dataset, baselineNames, dir);
      // The live report follows the search once the baselines it compares with are known.
      RunReport report = new RunReport(dir, configuration(dataset, chosen, deploymentTarget,
          search), baselineResults, search, RunReport.split(dataset.numClasses(),
          dataset.test().labels(), dataset.test().groups(), seed), Clock.systemDefaultZone());
      search = builder.listener(report).build();
      out.printf("search: %d iterations with %s, target %s%s%n", iterations, chosen.name(),
          deploymentTarget.name(), search.parallelism() > 1 ? ", " + search.parallelism()
              + " trials in flight" : "");
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
      String exportNote = exportBest(evaluator, result, dir);
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

  private void validate() {
    if (iterations <= 0) {
      throw new UsageException("--iterations must be > 0, but was " + iterations);
    }
    if (maxEpochs <= 0) {
      throw new UsageException("--max-epochs must be > 0, but was " + maxEpochs);
    }
    if (imageSize != null && imageSize < 8) {
      throw new UsageException("--image-size must be >= 8, but was " + imageSize);
    }
    if (samples != null && samples < 40) {
      throw new UsageException("--samples must be >= 40, but was " + samples);
    }
    if (providerRetries < 0) {
      throw new UsageException("--provider-retries must be >= 0, but was " + providerRetries);
    }
    if (threads < 0) {
      throw new UsageException("--threads must be >= 0, but was " + threads);
    }
    cluster.validate();
    if (designer != null && !List.of("llm", "evolution", "random").contains(designer)
        && !designer.startsWith("replay:")) {
      throw new UsageException("unknown --designer '" + designer + "'; expected one of "
          + DESIGNERS);
    }
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

  private Path outputFolder() {
    Path dir = outDir != null ? outDir : Path.of("flnas-runs", "run-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path journal = dir.resolve("journal.jsonl");
    if (resume) {
      if (outDir == null) {
        throw new UsageException("--resume needs --out, the folder of the run to continue");
      }
      if (!Files.isRegularFile(journal)) {
        throw new UsageException("--resume: no journal.jsonl in " + dir + " to continue from");
      }
    } else if (Files.exists(journal)) {
      throw new UsageException("output folder " + dir + " already holds a journal; use --resume"
          + " to continue it or choose another --out");
    }
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new UsageException("output folder " + dir + " is not writable: " + e.getMessage());
    }
    return dir;
  }

  /** The data and training settings, as this process and every worker build them. */
  private WorkSpec workSpec() {
    boolean synthetic = data.equals("synthetic");
    return WorkSpec.djl(data, samples != null ? samples : synthetic ? SYNTHETIC_SAMPLES : 5000,
        imageSize != null ? imageSize : synthetic ? SYNTHETIC_IMAGE_SIZE : 64, seed, maxEpochs, 2);
  }

  private ImageDataset loadData() {
    if (!data.equals("synthetic") && !data.startsWith("isic:")) {
      throw new UsageException("unknown --data '" + data + "'; expected synthetic or isic:<dir>");
    }
    if (data.startsWith("isic:") && !Files.isDirectory(Path.of(data.substring(5)))) {
      throw new UsageException("--data: ISIC folder " + data.substring(5) + " does not exist");
    }
    return workSpec().loadDataset();
  }

  private Designer designer(Search.Builder builder, ImageDataset dataset) {
    String key = System.getenv("OPENAI_API_KEY");
    String choice = designer;
    if (choice == null) {
      boolean hasKey = key != null && !key.isBlank();
      choice = hasKey || model.startsWith("ollama:") ? "llm" : "evolution";
      out.println("designer: " + choice + (hasKey ? " (OPENAI_API_KEY is set)"
          : model.startsWith("ollama:") ? " (an Ollama model was named)"
          : " (OPENAI_API_KEY is not set; set it, or pass --model ollama:<name>, to design with"
              + " a language model)"));
    }
    switch (choice) {
      case "evolution":
        return Designers.evolution();
      case "random":
        return Designers.random();
      case "llm": {
        ConfiguredModel configured;
        if (model.startsWith("ollama:")) {
          var ollama = ChatModels.ollama().modelName(model.substring("ollama:".length()));
          configured = (baseUrl == null ? ollama : ollama.baseUrl(baseUrl)).build();
        } else {
          var openAi = ChatModels.openAi().modelName(model);
          configured = (baseUrl == null ? openAi : openAi.baseUrl(baseUrl)).build();
        }
        return LlmDesigner.builder(configured).maxProviderRetries(providerRetries).build();
      }
      default: {
        Path recorded = Path.of(choice.substring("replay:".length()));
        if (!Files.isRegularFile(recorded)) {
          throw new UsageException("--designer replay: journal " + recorded + " does not exist");
        }
        replayJournal = recorded;
        try {
          return LlmDesigner.builder(ReplayChatModel.fromJournal(recorded, false).configured())
              .build();
        } catch (io.flnas.DesignerException | JournalMismatchException e) {
          throw new UsageException("--designer replay: " + e.getMessage());
        }
      }
    }
  }

  private Path replayJournal;

  /** A replay must come from a search with the same data, seed, space, template and target. */
  private void checkReplay(Search search) {
    if (replayJournal == null) {
      return;
    }
    Map<String, String> recorded = new LinkedHashMap<>();
    Map<String, String> current = new LinkedHashMap<>();
    Map<String, String> journalFingerprint = Journal.readFingerprint(replayJournal);
    for (String key : List.of("problem", "seed", "search_space", "template", "target",
        "objective")) {
      recorded.put(key, String.valueOf(journalFingerprint.get(key)));
      current.put(key, search.fingerprint().get(key));
    }
    String differences = Fingerprints.differences(recorded, "journal", current, "this run");
    if (!differences.isEmpty()) {
      throw new UsageException("replay journal " + replayJournal + " comes from another"
          + " configuration: " + differences);
    }
  }

  private List<Baselines.Baseline> baselines(DjlEvaluator evaluator, ImageDataset dataset,
      List<String> names, Path dir) throws IOException {
    BaselineStore store = new BaselineStore(dir.resolve("baselines.jsonl"));
    Map<String, Baselines.Baseline> done = store.load();
    List<Baselines.Baseline> results = new ArrayList<>();
    for (String name : names) {
      String canonical = ReferenceArchitectures.byName(name, dataset.input(), 2).name();
      Baselines.Baseline baseline = done.get(canonical);
      if (baseline != null) {
        out.println("baseline " + canonical + ": restored from baselines.jsonl");
      } else {
        out.println("baseline " + canonical + ": training");
        baseline = Baselines.evaluate(evaluator, dataset.problem(), List.of(name)).get(0);
        store.append(baseline);
      }
      Evaluation e = baseline.evaluation();
      out.println("baseline " + canonical + ": " + (e.succeeded() ? String.format(
          "val acc %.1f%% unfairness %.3f params %,d latency %.2f ms", 100 * e.accuracy(),
          e.unfairness(), e.hardware().parameters(), e.hardware().latencyMs())
          : "failed: " + e.failure().orElse("")));
      results.add(baseline);
    }
    return results;
  }

  private String exportBest(DjlEvaluator evaluator, SearchResult result, Path dir) {
    if (result.best().isEmpty()) {
      return "No trial completed, so no model was exported.";
    }
    Trial best = result.best().get();
    Path modelDir = dir.resolve("best-model");
    Evaluation exported = evaluator.evaluateAndExport(best.architecture().orElseThrow(),
        modelDir);
    if (!exported.succeeded()) {
      return "Retraining the best architecture for export failed: "
          + exported.failure().orElse("");
    }
    return String.format("Best model (trial %d) exported to %s: architecture.json and DJL"
        + " parameters; retrained test accuracy %.2f%%.", best.iteration(), modelDir,
        100 * exported.test().accuracy());
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
    configuration.put("training", "max " + maxEpochs + " epochs, patience 2, Adam 1e-3, batch 64");
    configuration.put("command", "flnas " + String.join(" ", originalArgs()));
    return configuration;
  }

  private List<String> originalArgs() {
    List<String> args = new ArrayList<>(Arrays.asList("--data", data, "--iterations",
        String.valueOf(iterations), "--seed", String.valueOf(seed), "--max-epochs",
        String.valueOf(maxEpochs), "--target", target, "--baselines", baselines));
    if (designer != null) {
      args.addAll(List.of("--designer", designer));
    }
    return args;
  }

  private static String elapsed(long started) {
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    return seconds >= 60 ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
  }

}
