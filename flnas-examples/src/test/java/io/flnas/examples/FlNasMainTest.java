package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.examples.report.Plots;
import io.flnas.examples.report.Report;
import io.flnas.search.journal.Journal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line program run in-process on tiny configurations. */
class FlNasMainTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        FlNasMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String[] tiny(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--samples",
                "120",
                "--image-size",
                "12",
                "--max-epochs",
                "1",
                "--iterations",
                "2",
                "--baselines",
                "small_cnn,resnet18",
                "--designer",
                "random",
                "--out",
                out.toString(),
                "--no-progress"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void a_tiny_run_prints_table_one_and_writes_every_file() throws Exception {
    Path out = dir.resolve("run");

    Run run = run(tiny(out));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "baseline small_cnn: val acc",
            "baseline resnet18_cifar:",
            "#1 ",
            "#2 ",
            "Table I (synthetic",
            "Accuracy %",
            "Unfairness",
            "EODD",
            "EOPP1",
            "EOPP2",
            "Params (M)",
            "Memory (MB)",
            "Latency (ms)",
            "small_cnn",
            "resnet18",
            "FL-NAS #1 (trial",
            "finished in");
    for (String file :
        List.of(
            "journal.jsonl",
            "baselines.jsonl",
            Report.MARKDOWN,
            Report.HTML,
            Plots.SCATTER,
            Plots.PROGRESS,
            Plots.GROUPS,
            "best-architecture.json",
            "best-model/architecture.json",
            "best-model/flnas-model-0000.params")) {
      assertThat(out.resolve(file)).as(file).isNotEmptyFile();
    }
    assertThat(Files.readAllBytes(out.resolve(Plots.SCATTER))).startsWith(0x89, 'P', 'N', 'G');
    assertThat(run.out())
        .contains("Accuracy % [95% CI]", "bootstrap 95% intervals")
        .doesNotContainPattern("peak memory|process");
    assertThat(Files.readString(out.resolve("journal.jsonl")))
        .contains(
            "\"test_intervals\":{\"level\":0.95,\"resamples\":1000",
            "\"test_predictions\"",
            "\"model_memory_mb\"",
            "\"process_peak_mb\"");
    String md = Files.readString(out.resolve(Report.MARKDOWN));
    assertThat(md)
        .contains(
            "## Table I",
            "| small_cnn |",
            "**FL-NAS #1",
            "## Best architecture",
            "| sex=male |",
            "![Accuracy vs unfairness](" + Plots.SCATTER + ")",
            "nn.Sequential(");
    assertThat(Files.readString(out.resolve(Report.HTML))).contains("<table>", "<img");
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).hasSize(2);
  }

  @Test
  void resume_continues_an_interrupted_run_without_retraining_what_is_done() {
    Path out = dir.resolve("run");
    assertThat(run(tiny(out, "--baselines", "small_cnn")).code()).isZero();

    Run resumed = run(tiny(out, "--baselines", "small_cnn", "--iterations", "3", "--resume"));

    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains(
            "resuming: 2 trial(s) restored",
            "baseline small_cnn: restored from baselines.jsonl",
            "#3 ");
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).hasSize(3);
  }

  @Test
  void two_local_workers_train_the_trials_and_are_gone_afterwards() throws Exception {
    Path out = dir.resolve("cluster");
    java.util.Set<Long> before = workerPids();

    Run run =
        run(
            tiny(
                out,
                "--workers",
                "2",
                "--iterations",
                "4",
                "--baselines",
                "small_cnn,resnet18",
                "--port",
                "21701"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "cluster: 2 worker(s) ready: ",
            "worker-1 (127.0.0.1:",
            "worker-2 (127.0.0.1:",
            "2 trials in flight",
            "running on worker-1 (127.0.0.1:",
            "running on worker-2 (",
            "baselines: training small_cnn, resnet18 on the workers",
            "baseline small_cnn: val acc",
            "baseline resnet18_cifar: val acc",
            "Table I (synthetic");
    assertThat(Files.readAllLines(out.resolve("baselines.jsonl"))).hasSize(2);
    List<io.flnas.search.Trial> trials = Journal.readTrials(out.resolve("journal.jsonl"));
    assertThat(trials)
        .hasSize(4)
        .allSatisfy(
            t ->
                assertThat(t.attempts())
                    .allSatisfy(a -> assertThat(a.worker()).startsWith("worker-")));
    assertThat(out.resolve("workers/worker-1.log")).exists();
    assertThat(workerPids()).as("no worker process left").isEqualTo(before);
  }

  @Test
  void the_run_plan_passed_back_repeats_the_run_with_every_setting() throws Exception {
    Path first = dir.resolve("first");
    Path again = dir.resolve("again");
    java.util.Set<Long> before = workerPids();
    String apiKey = "sk-flnas-test-4c1e9a7b2d";
    String clusterSecret = "flnas-test-cluster-secret-8d2f6b1a9c3e";

    // the first run as a user starts it, with a key and a cluster secret in its environment
    Run firstRun =
        program(
            java.util.Map.of(
                "OPENAI_API_KEY", apiKey, io.flnas.djl.cluster.ClusterSecret.ENV, clusterSecret),
            tiny(
                first,
                "--template",
                "pytorch",
                "--workers",
                "1",
                "--port",
                "21801",
                "--model",
                "gpt-4o-mini",
                "--seed",
                "7",
                "--baselines",
                "small_cnn"));
    Run repeat = run("--plan", first.resolve(RunPlan.FILE).toString(), "--out", again.toString());

    assertThat(firstRun.code()).as(firstRun.out() + firstRun.err()).isZero();
    assertThat(repeat.code()).as(repeat.out() + repeat.err()).isZero();
    RunPlan plan = RunPlan.read(first.resolve(RunPlan.FILE));
    assertThat(plan.search().template()).isEqualTo("pytorch");
    assertThat(plan.cluster().workers()).isEqualTo(1);
    assertThat(plan.design().model()).isEqualTo("gpt-4o-mini");
    assertThat(RunPlan.read(again.resolve(RunPlan.FILE)))
        .isEqualTo(plan.withOutput(new RunPlan.Output(again.toString(), false, true, false)));
    assertThat(repeat.out())
        .contains("cluster: 1 worker(s) ready: ", "with random", "baseline small_cnn: val acc");
    List<io.flnas.search.Trial> trials = Journal.readTrials(first.resolve("journal.jsonl"));
    List<io.flnas.search.Trial> repeated = Journal.readTrials(again.resolve("journal.jsonl"));
    assertThat(trials).hasSize(2);
    assertThat(repeated).hasSize(2);
    for (int i = 0; i < trials.size(); i++) {
      assertThat(repeated.get(i).architecture()).isEqualTo(trials.get(i).architecture());
      assertThat(figures(repeated.get(i))).as("trial %s", i + 1).isEqualTo(figures(trials.get(i)));
    }
    assertThat(Journal.readFingerprint(again.resolve("journal.jsonl")))
        .isEqualTo(Journal.readFingerprint(first.resolve("journal.jsonl")));
    assertThat(Files.readString(again.resolve(Report.MARKDOWN)))
        .contains(
            "flnas --iterations 2"
                + " --seed 7 --baselines small_cnn --target a10 --template pytorch --out "
                + again,
            " --model gpt-4o-mini ",
            " --workers 1 ");
    try (var files = Files.walk(first)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
            .as("%s holds no secret", file)
            .doesNotContain(apiKey, clusterSecret);
      }
    }
    assertThat(workerPids()).as("no worker process left").isEqualTo(before);
  }

  /** What a trial measured, timings and the machine's memory aside. */
  private static List<Object> figures(io.flnas.search.Trial trial) {
    io.flnas.metrics.Evaluation e = trial.result();
    return List.of(
        trial.status(),
        e.train(),
        e.validation(),
        e.test(),
        e.epochs(),
        e.validationFairness(),
        e.testFairness(),
        e.testPredictions(),
        e.testIntervals(),
        e.hardware().parameters(),
        e.hardware().macs(),
        e.hardware().analyticMemoryMb());
  }

  /** The program in a JVM of its own with {@code environment} added, as a user starts it. */
  private Run program(java.util.Map<String, String> environment, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FlNasMain.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS))
          .as("the program finished in time")
          .isTrue();
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static java.util.Set<Long> workerPids() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("io.flnas.djl.cluster.WorkerMain"))
        .map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void help_explains_every_option() {
    Run help = run("--help");

    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains(
            "--data",
            "--designer",
            "--model",
            "--iterations",
            "--seed",
            "--image-size",
            "--max-epochs",
            "--baselines",
            "--target",
            "--out",
            "--resume",
            "isic:<dir>",
            "replay:",
            "OPENAI_API_KEY");
  }

  @Test
  void bad_input_gets_one_clear_line_and_exit_code_2() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path otherRun = dir.resolve("other");
    assertThat(run(tiny(otherRun, "--baselines", "none", "--iterations", "1")).code()).isZero();

    assertBadInput(run("--iterations", "3", "--frobnicate"), "Unknown option: '--frobnicate'");
    assertBadInput(run("--iterations", "many"), "'many' is not an int");
    assertBadInput(
        run(tiny(dir.resolve("a"), "--designer", "genius")), "unknown --designer 'genius'");
    assertBadInput(
        run(tiny(dir.resolve("b"), "--target", "mars")), "unknown deployment target 'mars'");
    assertBadInput(run(tiny(dir.resolve("c"), "--baselines", "vgg16")), "unknown baseline 'vgg16'");
    assertBadInput(
        run(tiny(dir.resolve("d"), "--data", "isic:" + dir.resolve("no-isic"))),
        "ISIC folder " + dir.resolve("no-isic") + " does not exist");
    assertBadInput(run(tiny(file.resolve("sub"))), "is not writable");
    assertBadInput(run(tiny(otherRun, "--baselines", "none")), "already holds a journal");
    assertBadInput(
        run(tiny(otherRun, "--baselines", "none", "--seed", "7", "--resume")),
        "seed: journal has '42', this search has '7'");
    assertBadInput(
        run(tiny(dir.resolve("e"), "--designer", "replay:" + otherRun.resolve("journal.jsonl"))),
        "holds no model exchanges");
    assertBadInput(
        run(tiny(dir.resolve("g"), "--parallel", "2")),
        "--parallel 2 needs workers (--workers or --members)");
    assertBadInput(
        run(tiny(dir.resolve("h"), "--workers", "1", "--members", "127.0.0.1:5701")),
        "give one of them");
    assertBadInput(
        run("worker", "--members", "127.0.0.1:5701"),
        "worker: no cluster secret: set FLNAS_CLUSTER_SECRET or FLNAS_CLUSTER_SECRET_FILE");
    assertBadInput(
        run("worker", "--bind", "0.0.0.0", "--members", "127.0.0.1:5701"),
        "--bind 0.0.0.0 is not a loopback address",
        "no TLS and no member authentication",
        "read its traffic",
        "--trusted-network");
    assertBadInput(
        run("worker", "--bind", "0.0.0.0", "--trusted-network", "--members", "127.0.0.1:5701"),
        "no network interface of this machine has the address 0.0.0.0 (a"
            + " wildcard address: bind to one interface's address); cannot bind a cluster member to"
            + " it");
    assertBadInput(
        run(tiny(dir.resolve("j"), "--workers", "1", "--bind", "10.1.2.3")),
        "--bind 10.1.2.3 is not a loopback address",
        "deny service",
        "WireGuard");
    assertBadInput(
        run(tiny(dir.resolve("i"), "--members", "127.0.0.1:5701")),
        "--members needs the cluster secret the workers were started with");
    assertBadInput(
        run(tiny(dir.resolve("f"), "--designer", "replay:" + llmJournalFromAnotherSearch())),
        "comes from another configuration: problem: journal has 'toy [3x8x8] classes=2'");
  }

  @Test
  void the_cost_levers_compose_from_the_command_line() throws Exception {
    Path out = dir.resolve("levers");

    Run run =
        run(
            tiny(
                out,
                "--iterations",
                "4",
                "--max-epochs",
                "3",
                "--halving",
                "1,2,3",
                "--prescreen",
                "2",
                "--baselines",
                "none"));

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("halving [1, 2, 3] async", "pre-screen naswot x2");
    String journal = Files.readString(out.resolve("journal.jsonl"));
    assertThat(journal)
        .contains(
            "\"halving\":\"asha(1, eta=2, 3)\"",
            "\"prescreen\":\"naswot(",
            "\"type\":\"rung\"",
            "\"proxy_score\"");
    assertThat(Journal.readTrials(out.resolve("journal.jsonl")))
        .hasSize(4)
        .anySatisfy(t -> assertThat(t.result().epochs()).isEqualTo(3));
  }

  @Test
  void a_cost_lever_given_wrong_gets_one_line_and_exit_code_2() {
    assertBadInput(
        run(tiny(dir.resolve("a"), "--max-epochs", "9", "--halving", "3,1,9")),
        "--halving 3,1,9: eta must be >= 2, but was 1");
    assertBadInput(
        run(tiny(dir.resolve("b"), "--halving", "1,3")),
        "--halving takes MIN,ETA,MAX (e.g. 1,3,9), but was '1,3'");
    assertBadInput(
        run(tiny(dir.resolve("c"), "--halving", "1,x,9")), "--halving takes three whole numbers");
    assertBadInput(
        run(tiny(dir.resolve("d"), "--max-epochs", "3", "--halving", "1,3,9")),
        "--halving 1,3,9 trains up to 9 epochs, more than --max-epochs 3");
    assertBadInput(
        run(tiny(dir.resolve("e"), "--halving-mode", "eager")),
        "--halving-mode must be async or sync, but was 'eager'");
    assertBadInput(
        run(tiny(dir.resolve("f"), "--prescreen", "0")),
        "--prescreen must be >= 1 proposals per slot, but was 0");
    assertBadInput(
        run(tiny(dir.resolve("g"), "--precision", "fp8")),
        "--precision must be fp32 or bf16, but was 'fp8'");
  }

  @Test
  void an_unreachable_model_endpoint_stops_with_one_line_and_consumes_no_iteration()
      throws Exception {
    int closedPort = io.flnas.testing.Ports.closedLoopbackPort();
    String url = "http://127.0.0.1:" + closedPort;
    Path out = dir.resolve("unreachable");

    Run run =
        run(
            tiny(
                out,
                "--designer",
                "llm",
                "--model",
                "ollama:llama3.1",
                "--base-url",
                url,
                "--baselines",
                "none",
                "--provider-retries",
                "0"));

    assertBadInput(run, "model endpoint " + url + " is unreachable");
    assertThat(run.err()).contains("ConnectException");
    // no iteration consumed: the journal has its header and no trial, so --resume continues it
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).isEmpty();
  }

  @Test
  void an_unexpected_failure_prints_one_line_and_the_trace_only_with_verbose() {
    RuntimeException failure =
        new IllegalStateException("outer", new java.io.IOException("disk\nfull"));

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    ByteArrayOutputStream verbose = new ByteArrayOutputStream();

    int quietCode =
        Failures.report(failure, false, new PrintStream(quiet, true, StandardCharsets.UTF_8));
    int verboseCode =
        Failures.report(failure, true, new PrintStream(verbose, true, StandardCharsets.UTF_8));

    assertThat(quietCode).isEqualTo(1);
    assertThat(quiet.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "flnas: failed:"
                + " IllegalStateException: outer (caused by IOException: disk full) (run with --verbose"
                + " for the stack trace)"
                + System.lineSeparator());
    assertThat(verboseCode).isEqualTo(1);
    assertThat(verbose.toString(StandardCharsets.UTF_8)).contains("\tat ", "Caused by");
  }

  /** A journal with model exchanges, written by a search unlike the CLI's tiny one. */
  private Path llmJournalFromAnotherSearch() {
    Path journal = dir.resolve("llm-journal.jsonl");
    String reply =
        io.flnas.space.Templates.json()
            .render(
                io.flnas.arch.ReferenceArchitectures.smallCnn(
                    io.flnas.arch.Shape.image(3, 8, 8), 2));
    dev.langchain4j.model.chat.ChatModel scripted =
        new dev.langchain4j.model.chat.ChatModel() {
          @Override
          public dev.langchain4j.model.chat.response.ChatResponse doChat(
              dev.langchain4j.model.chat.request.ChatRequest request) {
            return dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(dev.langchain4j.data.message.AiMessage.from(reply))
                .build();
          }
        };
    io.flnas.search.Search.builder(
            new io.flnas.search.Problem("toy", io.flnas.arch.Shape.image(3, 8, 8), 2),
            new io.flnas.testing.CheapEvaluator())
        .designer(
            io.flnas.llm.LlmDesigner.builder(io.flnas.llm.ConfiguredModel.of(scripted, "scripted"))
                .build())
        .maxIterations(1)
        .journal(journal)
        .build()
        .run();
    return journal;
  }

  private static void assertBadInput(Run run, String... message) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).startsWith("flnas: error: ");
    assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).doesNotContain("\tat ");
  }
}
