package io.flnas.examples;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.djl.train.DjlEvaluatorBuilder;
import io.flnas.djl.train.PrecisionUnavailableException;
import io.flnas.examples.report.Report;
import io.flnas.examples.report.RunReport;
import io.flnas.examples.report.TableOne;
import io.flnas.search.Baselines;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.design.Designer;
import io.flnas.search.journal.Journal;
import io.flnas.space.SearchSpaces;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a {@link RunPlan}: takes the run folder, builds the dataset, the evaluator (and the
 * workers), the designer and the search, once, writes the plan into the folder ({@value
 * RunPlan#FILE}), trains the baselines, follows the search with the live report, then prints Table
 * I and exports the best model. Settings that only this machine can check (a bind address, an ISIC
 * folder, a replay journal, bf16 units, a resumed journal) are checked before anything is trained
 * and before the plan is written.
 */
final class PlanRunner {
  private final PrintStream out;
  private final PrintStream err;
  private final Path cache;

  PlanRunner(PrintStream out, PrintStream err) {
    this(out, err, null);
  }

  /** A runner whose decoded ISIC images are cached in {@code cache} (null: the default folder). */
  PlanRunner(PrintStream out, PrintStream err, Path cache) {
    this.out = out;
    this.err = err;
    this.cache = cache;
  }

  /** Runs the plan; returns the exit code (0: done). */
  int run(RunPlan plan) throws Exception {
    long started = System.nanoTime();
    if (plan.training().allowDownload()) {
      // Unavoidably process-wide: DJL reads this property once, when the engine loads (which
      // has not happened yet).
      System.setProperty("ai.djl.offline", "false");
    }
    if (plan.cluster().clustered()) {
      MemberOptions.checkTrust(plan.cluster().bind(), plan.cluster().trustedNetwork(), out);
    }
    Path dir = RunFolder.prepare(plan.output().folder(), plan.output().resume());
    try (RunFolder.Lock lock = RunFolder.lock(dir)) {
      return run(plan, dir, started);
    }
  }

  private int run(RunPlan plan, Path dir, long started) throws Exception {
    ImageDataset dataset = DataOptions.load(plan, cache, out::println);
    out.printf(
        "data: %s, %d images (%d/%d/%d), %s%n",
        dataset.name(),
        dataset.size(),
        dataset.train().count(),
        dataset.validation().count(),
        dataset.test().count(),
        dataset.input());
    if (dataset.skipped() > 0) {
      out.printf("data: skipped %d undecodable images%n", dataset.skipped());
    }
    Path journal = dir.resolve("journal.jsonl");
    AtomicBoolean finished = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              if (!finished.get()) {
                err.println();
                err.println(
                    "flnas: interrupted; the journal "
                        + journal
                        + " keeps every finished trial."
                        + " Continue with --resume --out "
                        + dir);
              }
              DjlEvaluator.holdTrainingForExit(java.time.Duration.ofSeconds(30));
            });
    if (!plan.output().verbose()) {
      QuietEngine.warmUp(dir, err);
    }
    Runtime.getRuntime().addShutdownHook(hook);
    long seed = plan.search().seed();
    int maxEpochs = plan.training().maxEpochs();
    try (DjlEvaluator evaluator =
            build(
                DjlEvaluator.builder(dataset)
                    .maxEpochs(maxEpochs)
                    .patience(2)
                    .seed(seed)
                    .threads(plan.training().threads())
                    .precision(plan.costs().numberFormat()));
        ClusterOptions.Cluster workers =
            plan.cluster().clustered()
                ? ClusterOptions.start(plan.cluster(), plan.workSpec(), evaluator, dir, cache, out)
                : null) {
      out.printf(
          "engine: %s, training on %s%n",
          DjlEvaluator.engineDescription(),
          workers == null
              ? evaluator.deviceName()
              : workers.executor().workers().size() + " worker(s)");
      Search.Builder builder =
          (workers == null
                  ? Search.builder(dataset.problem(), evaluator)
                  : Search.builder(dataset.problem(), workers.executor())
                      .parallelism(plan.cluster().parallelism(workers.executor().slots())))
              .space(SearchSpaces.paperCnn())
              .template(plan.search().format())
              .target(plan.search().deploymentTarget())
              .maxIterations(plan.search().iterations())
              .seed(seed)
              .journal(journal);
      CostOptions.apply(plan.costs(), builder, dataset, seed);
      Designer designer = DesignerOptions.create(plan.design());
      // A bar redrawn with carriage returns only makes sense on a terminal.
      boolean interactive = System.console() != null && out == System.out;
      ConsoleListener console =
          new ConsoleListener(out, err, !plan.output().noProgress() && interactive);
      // The report follows the search, but needs it built and the baselines trained first.
      LateBoundListener reportSlot = new LateBoundListener();
      Search search = builder.designer(designer).listener(console).listener(reportSlot).build();
      DesignerOptions.checkReplay(plan.design(), search);
      if (plan.output().resume()) {
        // the journal refuses another configuration here, before the plan replaces the folder's
        Journal.open(journal, search.fingerprint());
      }
      plan.write(dir.resolve(RunPlan.FILE));

      List<Baselines.Baseline> baselines =
          new BaselineStore(dir.resolve("baselines.jsonl"))
              .evaluate(
                  evaluator,
                  workers == null ? null : workers.executor(),
                  dataset,
                  plan.search().baselines(),
                  out);
      RunReport report =
          new RunReport(
              dir,
              configuration(plan, dir, dataset, designer, search),
              baselines,
              search,
              RunReport.split(
                  dataset.numClasses(), dataset.test().labels(), dataset.test().groups(), seed),
              Clock.systemDefaultZone());
      reportSlot.bind(report);
      out.printf(
          "search: %d iterations with %s, target %s%s%s%n",
          search.maxIterations(),
          designer.name(),
          search.target().name(),
          search.parallelism() > 1 ? ", " + search.parallelism() + " trials in flight" : "",
          CostOptions.describe(plan.costs()));
      SearchResult result;
      try {
        result = search.run();
      } finally {
        console.close();
      }
      TableOne table = report.table(result);
      out.println();
      out.println("Table I (" + dataset.name() + ", target " + search.target().name() + ")");
      out.print(table.toText());
      String exportNote = RunFolder.exportBest(evaluator, result, dir);
      report.finish(result, table, exportNote, elapsed(started));
      out.println();
      out.println(exportNote);
      out.println(
          "wrote "
              + dir.resolve(Report.MARKDOWN)
              + ", "
              + Report.HTML
              + ", plots and "
              + journal.getFileName()
              + " in "
              + dir);
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
  private static DjlEvaluator build(DjlEvaluatorBuilder builder) {
    try {
      return builder.build();
    } catch (PrecisionUnavailableException e) {
      throw new UsageException("--precision: " + e.getMessage());
    }
  }

  /** What the report lists about the run; its command repeats it. */
  private static Map<String, String> configuration(
      RunPlan plan, Path dir, ImageDataset dataset, Designer designer, Search search) {
    Map<String, String> configuration = new LinkedHashMap<>();
    configuration.put("data", dataset.description() + ", " + dataset.size() + " images");
    configuration.put("designer", designer.name());
    configuration.put("iterations", String.valueOf(search.maxIterations()));
    configuration.put("seed", String.valueOf(search.seed()));
    configuration.put("target", search.target().promptText());
    configuration.put("template", search.template().name());
    configuration.put(
        "training",
        "max " + plan.training().maxEpochs() + " epochs, patience 2, Adam 1e-3, batch 64");
    configuration.put("command", plan.command());
    configuration.put(
        "repeat",
        "flnas --plan "
            + RunPlan.quoted(dir.toString())
            + " --out <new folder> (every setting is in "
            + RunPlan.FILE
            + ")");
    return configuration;
  }

  private static String elapsed(long started) {
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    return seconds >= 60 ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
  }
}
