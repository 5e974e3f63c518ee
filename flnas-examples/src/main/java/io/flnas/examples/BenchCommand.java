package io.flnas.examples;

import io.flnas.bench.BenchmarkResult;
import io.flnas.bench.BenchmarkRun;
import io.flnas.bench.TabularBenchmark;
import io.flnas.bench.TabularBenchmarks;
import io.flnas.llm.ChatModels;
import io.flnas.llm.ConfiguredModel;
import io.flnas.llm.LlmDesigner;
import io.flnas.llm.PromptStrategies;
import io.flnas.search.design.Designers;
import io.flnas.search.design.PromptStrategy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flnas bench}: how good the designers are, on a tabular benchmark. Each designer searches
 * the benchmark's space for every seed, each query a trial answered from the table; it prints, per
 * designer and budget, the mean ± std over seeds of the test accuracy of the best-by-validation
 * trial beside the published reference points, and writes {@code bench.csv} and {@code bench.png}
 * (the curves) to {@code --out}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure designers on a tabular benchmark (NAS-Bench-201, NAS-Bench-Macro):"
          + " mean ± std over seeds of the test accuracy of the best-by-validation trial after N"
          + " queries, beside published reference points."
    })
final class BenchCommand implements Callable<Integer> {
  static final List<String> DESIGNERS =
      List.of("random", "evolution", "surrogate", "llm", "llm-evolution");

  @Option(
      names = "--benchmark",
      defaultValue = "nb201-cifar10",
      paramLabel = "NAME",
      description =
          "nb201-cifar10, nb201-cifar100, nb201-imagenet16 or macro-cifar10."
              + " Default: ${DEFAULT-VALUE}.")
  String benchmark;

  @Option(
      names = "--budgets",
      split = ",",
      defaultValue = "10,50,100",
      paramLabel = "N",
      description = "Query budgets. Default: ${DEFAULT-VALUE}.")
  List<Integer> budgets;

  @Option(
      names = "--seeds",
      defaultValue = "300",
      paramLabel = "S",
      description = "Seeds per designer (0 to S-1). Default: ${DEFAULT-VALUE}.")
  int seeds;

  @Option(
      names = "--designers",
      split = ",",
      defaultValue = "random,evolution,surrogate",
      paramLabel = "NAME",
      description =
          "Designers: random, evolution (regularized evolution,"
              + " population 10, tournament 3), surrogate, llm (the paper's prompt) and llm-evolution"
              + " (the model as mutation operator of islands with a MAP-Elites archive); the llm ones"
              + " need OPENAI_API_KEY or --model ollama:<name>. Default: ${DEFAULT-VALUE}.")
  List<String> designers;

  @Option(
      names = "--model",
      defaultValue = ChatModels.DEFAULT_OPENAI_MODEL,
      paramLabel = "NAME",
      description =
          "Chat model of the llm designers: an OpenAI model name,"
              + " or ollama:<name>. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "Endpoint of the model: an OpenAI-compatible base URL or the Ollama server.")
  String baseUrl;

  @Option(
      names = "--price",
      split = ",",
      defaultValue = "2.5,10",
      paramLabel = "IN,OUT",
      description =
          "USD per million input and output tokens, for the cost per seed."
              + " Default: ${DEFAULT-VALUE} (gpt-4o).")
  List<Double> price;

  @Option(
      names = "--objective",
      defaultValue = "accuracy",
      paramLabel = "OBJ",
      description =
          "accuracy, or pareto (validation accuracy then latency on --device, and the"
              + " hypervolume of test error x latency). Default: ${DEFAULT-VALUE}.")
  String objective;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      description =
          "Latency device of --objective pareto (NAS-Bench-201: pixel3, raspi4,"
              + " eyeriss, fpga, titan_rtx_1, titan_rtx_256, gold_6226, 1080ti_1).")
  String device;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder for bench.csv and bench.png. Default: flnas-runs/bench-<benchmark>.")
  Path out;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "Seeds run at once; 0 for one per processor. Default: ${DEFAULT-VALUE}.")
  int threads;

  private final PrintStream console;

  BenchCommand(PrintStream console) {
    this.console = console;
  }

  @Override
  public Integer call() throws IOException {
    TabularBenchmark table;
    try {
      table = TabularBenchmarks.byName(benchmark);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--benchmark: " + e.getMessage());
    }
    if (seeds <= 0) {
      throw new UsageException("--seeds must be > 0, but was " + seeds);
    }
    if (budgets.stream().anyMatch(b -> b <= 0)) {
      throw new UsageException("--budgets must all be > 0, but were " + budgets);
    }
    if (!List.of("accuracy", "pareto").contains(objective)) {
      throw new UsageException(
          "--objective must be accuracy or pareto, but was '" + objective + "'");
    }
    BenchmarkRun.Builder run =
        BenchmarkRun.builder(table)
            .seeds(seeds)
            .budgets(budgets.stream().mapToInt(Integer::intValue).toArray());
    if (objective.equals("pareto")) {
      if (device == null || !table.devices().contains(device)) {
        throw new UsageException(
            "--objective pareto needs --device, one of "
                + (table.devices().isEmpty()
                    ? "(none: " + benchmark + " has no latencies)"
                    : table.devices())
                + (device == null ? "" : ", but was '" + device + "'"));
      }
      run.pareto(device);
    }
    if (threads > 0) {
      run.threads(threads);
    }
    if (price.size() != 2 || price.stream().anyMatch(p -> p < 0)) {
      throw new UsageException(
          "--price takes two prices >= 0, input and output USD per"
              + " million tokens, but was "
              + price);
    }
    List<String> llm = new ArrayList<>();
    int added = 0;
    for (String name : designers) {
      switch (name) {
        case "random" -> run.designer(name, Designers::random);
        case "evolution" -> run.designer(name, () -> Designers.evolution(10, 3));
        case "surrogate" -> run.designer(name, Designers::surrogate);
        case "llm", "llm-evolution" -> {
          if (!DesignerOptions.hasKey() && !model.startsWith("ollama:")) {
            console.println(
                "bench: "
                    + name
                    + " skipped: OPENAI_API_KEY is not set (set it, or"
                    + " pass --model ollama:<name>); running the offline designers");
            continue;
          }
          ConfiguredModel chat = DesignerOptions.chatModel(model, baseUrl);
          PromptStrategy prompt =
              name.equals("llm")
                  ? PromptStrategies.withHistory(3, 3)
                  : PromptStrategies.evolution();
          run.designer(name, () -> LlmDesigner.builder(chat).promptStrategy(prompt).build());
          llm.add(name);
        }
        default ->
            throw new UsageException(
                "unknown designer '"
                    + name
                    + "' in --designers;"
                    + " expected some of "
                    + DESIGNERS);
      }
      added++;
    }
    if (added == 0) {
      throw new UsageException(
          "--designers: nothing to run without a model; add an offline"
              + " designer (random, evolution, surrogate)");
    }
    long started = System.nanoTime();
    BenchmarkResult result = run.build().run();
    result.lines().forEach(console::println);
    for (BenchmarkResult.Curve c : result.curves()) {
      if (llm.contains(c.label())) {
        console.printf(
            "bench: %s %s cost %.4f USD per seed (at %s and %s USD per million"
                + " input and output tokens)%n",
            benchmark,
            c.label(),
            (c.meanTokens(0) * price.get(0) + c.meanTokens(1) * price.get(1)) / 1e6,
            price.get(0),
            price.get(1));
      }
    }
    Path dir = out != null ? out : Path.of("flnas-runs", "bench-" + benchmark);
    Files.createDirectories(dir);
    result.writeCsv(dir.resolve("bench.csv"));
    plot(result, dir.resolve("bench.png"));
    console.printf(
        "wrote %s and bench.png in %s (%.1f s)%n",
        "bench.csv", dir, (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** Mean test accuracy against the query budget, one line per designer. */
  private static void plot(BenchmarkResult result, Path file) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(600)
            .title(result.benchmark().name() + ": test accuracy of the best-by-validation trial")
            .xAxisTitle("queries")
            .yAxisTitle("test accuracy % (mean over " + result.seeds() + " seeds)")
            .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (BenchmarkResult.Curve c : result.curves()) {
      List<Double> means = new ArrayList<>();
      for (int b = 0; b < c.budgets().size(); b++) {
        means.add(c.mean(b));
      }
      chart.addSeries(c.label(), c.budgets(), means);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
