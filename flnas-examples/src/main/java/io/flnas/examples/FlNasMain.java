package io.flnas.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The FL-NAS command-line program: its options make a {@link RunPlan} (or repeat the one a run
 * folder keeps, {@code --plan}), which {@link PlanRunner} runs: it builds the dataset, trains the
 * baselines, runs the search with the chosen designer, prints Table I and writes the journal,
 * reports, plots and the best model. Exit codes: 0 done, 1 unexpected failure, 2 bad input (one
 * line on standard error, no stack trace).
 */
@Command(
    name = "flnas",
    mixinStandardHelpOptions = true,
    version = "flnas 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Fairness- and hardware-aware neural architecture search driven by a large language"
          + " model (FL-NAS, arXiv 2402.06696).",
      "Trains the baselines and every proposed CNN with DJL on PyTorch, scores accuracy,"
          + " fairness across sex and age groups, and hardware cost, and prints the paper's"
          + " Table I. Runs offline on the embedded synthetic data by default.",
      "Every run keeps its settings in " + RunPlan.FILE + "; --plan repeats it."
    })
public final class FlNasMain implements Callable<Integer> {
  @Option(
      names = "--iterations",
      defaultValue = "10",
      paramLabel = "N",
      description = "Search iterations (the paper's IterMax). Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description = "Seed of data, designers and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--baselines",
      defaultValue = "resnet18,resnet34,mobilenet_v1,mobilenet_v2",
      paramLabel = "LIST",
      description =
          "Comma-separated baselines from "
              + "resnet18, resnet34, mobilenet_v1, mobilenet_v2, small_cnn; or none. Default:"
              + " ${DEFAULT-VALUE}.")
  String baselines;

  @Option(
      names = "--target",
      defaultValue = "a10",
      paramLabel = "TARGET",
      description =
          "Deployment target and its budgets: a10 (NVIDIA A10), pi4 (Raspberry Pi 4)"
              + " or none. Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(
      names = "--template",
      defaultValue = "json",
      paramLabel = "FORMAT",
      description = "Format the designer answers in: json or pytorch. Default: ${DEFAULT-VALUE}.")
  String template;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Output folder. Default: a new folder flnas-runs/run-<time> under the"
              + " working directory.")
  Path outDir;

  @Option(
      names = "--resume",
      description =
          "Continue the interrupted run in --out: finished trials and baselines are"
              + " not trained again.")
  boolean resume;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description =
          "Repeat a run with every setting of the "
              + RunPlan.FILE
              + " FILE (or of"
              + " the run folder holding one). The repeat goes to --out or a new folder: --out and"
              + " --resume are never taken from the plan. Any other option given beside --plan wins"
              + " over the plan's setting, switches included (--no-verbose, --progress).")
  Path planFile;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "PyTorch threads; 0 lets the engine choose. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--no-progress",
      negatable = true,
      description =
          "--no-progress hides the progress bar (for logs and CI); --progress shows"
              + " it, on a terminal only. Default: shown.")
  boolean noProgress;

  @Option(
      names = "--allow-download",
      negatable = true,
      description =
          "Let DJL download the libtorch build that matches this machine (the CUDA"
              + " build on a GPU machine, with PYTORCH_FLAVOR naming it) instead of running offline"
              + " on the bundled CPU build. PYTORCH_LIBRARY_PATH pointing at a local libtorch works"
              + " either way.")
  boolean allowDownload;

  @Option(
      names = "--verbose",
      negatable = true,
      description =
          "Show the engine's and libraries' warnings and INFO lines, and the stack"
              + " trace of an unexpected failure.")
  boolean verbose;

  @Mixin DataOptions dataOptions = new DataOptions();

  @Mixin DesignerOptions designers = new DesignerOptions();

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Mixin CostOptions costs = new CostOptions();

  @Spec CommandSpec spec;

  private PrintStream out;
  private PrintStream err;

  /** Whether this process is the program's own (started by {@link #main}). */
  private boolean ownsProcess;

  /** The plan of this run, once the options made it. */
  private RunPlan plan;

  /** Runs the program and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // The program owns this process, so it sets process-wide properties here and only here:
    // headless plotting, offline DJL, and its log level (quiet unless --verbose).
    System.setProperty("java.awt.headless", "true");
    System.setProperty("ai.djl.offline", "true");
    QuietEngine.logLevel(Arrays.asList(args).contains("--verbose"));
    System.exit(run(args, System.out, System.err, true));
  }

  /**
   * Runs the program in-process; returns the exit code. Unlike {@link #main}, it leaves the host's
   * system properties and log level alone (only {@code --allow-download} sets {@code
   * ai.djl.offline}, which DJL reads once per process).
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, false);
  }

  private static int run(String[] args, PrintStream out, PrintStream err, boolean ownsProcess) {
    FlNasMain command = new FlNasMain();
    command.out = out;
    command.err = err;
    command.ownsProcess = ownsProcess;
    CommandLine cli = new CommandLine(command);
    cli.addSubcommand("worker", new WorkerCommand(out));
    cli.addSubcommand("bench", new BenchCommand(out));
    cli.setOverwrittenOptionsAllowed(true); // the last value given wins
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("flnas: error: " + e.getMessage() + " (see --help)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> Failures.report(e, command.verbose(), err));
    for (String sub : List.of("worker", "bench")) {
      cli.getSubcommands()
          .get(sub)
          .setExecutionExceptionHandler(
              (e, commandLine, parsed) -> Failures.report(e, command.verbose, err));
    }
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    FlNasMain options =
        planFile == null ? this : over(planFile, spec.commandLine().getParseResult());
    plan = options.plan();
    if (ownsProcess) {
      // the same choice main made from the arguments, now that a plan file may have made it
      QuietEngine.logLevel(plan.output().verbose());
    }
    if (options.designers.designer == null) {
      out.println(
          "designer: "
              + plan.design().designer()
              + " ("
              + DesignerOptions.defaultReason(plan.design().model())
              + ")");
    }
    return new PlanRunner(out, err, options.dataOptions.cache).run(plan);
  }

  /** Whether a failure of this run shows its stack trace: {@code --verbose}, or its plan's. */
  private boolean verbose() {
    return plan != null ? plan.output().verbose() : verbose;
  }

  /**
   * The plan that {@code args} describe, as {@link #run} would run it (without printing which
   * designer the environment chose when none is given).
   */
  static RunPlan plan(String... args) {
    CommandLine cli = new CommandLine(new FlNasMain()).setOverwrittenOptionsAllowed(true);
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    FlNasMain command = cli.getCommand();
    return (command.planFile == null ? command : over(command.planFile, parsed)).plan();
  }

  /**
   * The options of a repeat: the recorded plan's, except where the command line gives an option of
   * its own (the explicit option wins), and except the folder options ({@code --out}, {@code
   * --resume}), which only the command line gives: a repeat is a new run.
   */
  private static FlNasMain over(Path planFile, CommandLine.ParseResult given) {
    RunPlan recorded = RunPlan.read(planFile);
    Set<String> named = new HashSet<>();
    given.matchedOptions().forEach(option -> named.add(option.longestName()));
    List<String> args = new ArrayList<>();
    recorded
        .options()
        .forEach(
            (option, values) -> {
              if (!named.contains(option) && !RunPlan.FOLDER_OPTIONS.contains(option)) {
                args.add(option);
                args.addAll(values);
              }
            });
    args.addAll(given.originalArgs());
    FlNasMain repeat = new FlNasMain();
    try {
      new CommandLine(repeat)
          .setOverwrittenOptionsAllowed(true)
          .parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new UsageException("--plan " + planFile + ": " + e.getMessage());
    }
    return repeat;
  }

  /** The options as a plan, checked; the designer and the folder left to defaults are decided. */
  private RunPlan plan() {
    if (resume && outDir == null) {
      throw new UsageException("--resume needs --out, the folder of the run to continue");
    }
    RunPlan.Search search = new RunPlan.Search(iterations, seed, baselineNames(), target, template);
    RunPlan.Training training = dataOptions.plan(threads, allowDownload);
    RunPlan.Cluster workers = cluster.plan();
    RunPlan.Costs levers = costs.plan();
    RunPlan.Design design = designers.plan();
    RunPlan.Output output =
        new RunPlan.Output(
            (outDir != null ? outDir : RunFolder.defaultFolder()).toString(),
            resume,
            noProgress,
            verbose);
    return new RunPlan(search, design, training, levers, workers, output);
  }

  private List<String> baselineNames() {
    if (baselines.equalsIgnoreCase("none") || baselines.isBlank()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : baselines.split(",")) {
      names.add(name.trim());
    }
    return names;
  }
}
