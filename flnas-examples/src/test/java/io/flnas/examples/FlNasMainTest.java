package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.examples.report.Plots;
import io.flnas.examples.report.Report;
import io.flnas.search.Journal;
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
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = FlNasMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String[] tiny(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("--samples", "120", "--image-size", "12",
        "--max-epochs", "1", "--iterations", "2", "--baselines", "small_cnn,resnet18",
        "--designer", "random", "--out", out.toString(), "--no-progress"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void a_tiny_run_prints_table_one_and_writes_every_file() throws Exception {
    Path out = dir.resolve("run");

    Run run = run(tiny(out));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("baseline small_cnn: val acc", "baseline resnet18_cifar:",
        "#1 ", "#2 ", "Table I (synthetic", "Accuracy %", "Unfairness", "EODD", "EOPP1", "EOPP2",
        "Params (M)", "Memory (MB)", "Latency (ms)", "small_cnn", "resnet18",
        "FL-NAS #1 (trial", "finished in");
    for (String file : List.of("journal.jsonl", "baselines.jsonl", Report.MARKDOWN, Report.HTML,
        Plots.SCATTER, Plots.PROGRESS, Plots.GROUPS, "best-architecture.json",
        "best-model/architecture.json", "best-model/flnas-model-0000.params")) {
      assertThat(out.resolve(file)).as(file).isNotEmptyFile();
    }
    assertThat(Files.readAllBytes(out.resolve(Plots.SCATTER))).startsWith(0x89, 'P', 'N', 'G');
    assertThat(run.out()).contains("Accuracy % [95% CI]", "bootstrap 95% intervals")
        .doesNotContainPattern("peak memory|process");
    assertThat(Files.readString(out.resolve("journal.jsonl")))
        .contains("\"test_intervals\":{\"level\":0.95,\"resamples\":1000", "\"test_predictions\"",
            "\"model_memory_mb\"", "\"process_peak_mb\"");
    String md = Files.readString(out.resolve(Report.MARKDOWN));
    assertThat(md).contains("## Table I", "| small_cnn |", "**FL-NAS #1", "## Best architecture",
        "| sex=male |", "![Accuracy vs unfairness](" + Plots.SCATTER + ")", "nn.Sequential(");
    assertThat(Files.readString(out.resolve(Report.HTML))).contains("<table>", "<img");
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).hasSize(2);
  }

  @Test
  void resume_continues_an_interrupted_run_without_retraining_what_is_done() {
    Path out = dir.resolve("run");
    assertThat(run(tiny(out, "--baselines", "small_cnn")).code()).isZero();

    Run resumed = run(tiny(out, "--baselines", "small_cnn", "--iterations", "3", "--resume"));

    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming: 2 trial(s) restored",
        "baseline small_cnn: restored from baselines.jsonl", "#3 ");
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).hasSize(3);
  }

  @Test
  void two_local_workers_train_the_trials_and_are_gone_afterwards() throws Exception {
    Path out = dir.resolve("cluster");
    java.util.Set<Long> before = workerPids();

    Run run = run(tiny(out, "--workers", "2", "--iterations", "4", "--baselines", "small_cnn",
        "--port", "21701"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("cluster: 2 worker(s) ready: ", "worker-1 (127.0.0.1:",
        "worker-2 (127.0.0.1:",
        "2 trials in flight", "running on worker-1 (127.0.0.1:", "running on worker-2 (",
        "Table I (synthetic");
    List<io.flnas.search.Trial> trials = Journal.readTrials(out.resolve("journal.jsonl"));
    assertThat(trials).hasSize(4).allSatisfy(t -> assertThat(t.attempts())
        .allSatisfy(a -> assertThat(a.worker()).startsWith("worker-")));
    assertThat(out.resolve("workers/worker-1.log")).exists();
    assertThat(workerPids()).as("no worker process left").isEqualTo(before);
  }

  private static java.util.Set<Long> workerPids() {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
        .contains("io.flnas.djl.cluster.WorkerMain")).map(ProcessHandle::pid)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void help_explains_every_option() {
    Run help = run("--help");

    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--data", "--designer", "--model", "--iterations", "--seed",
        "--image-size", "--max-epochs", "--baselines", "--target", "--out", "--resume",
        "isic:<dir>", "replay:", "OPENAI_API_KEY");
  }

  @Test
  void bad_input_gets_one_clear_line_and_exit_code_2() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path otherRun = dir.resolve("other");
    assertThat(run(tiny(otherRun, "--baselines", "none", "--iterations", "1")).code()).isZero();

    assertBadInput(run("--iterations", "3", "--frobnicate"), "Unknown option: '--frobnicate'");
    assertBadInput(run("--iterations", "many"), "'many' is not an int");
    assertBadInput(run(tiny(dir.resolve("a"), "--designer", "genius")),
        "unknown --designer 'genius'");
    assertBadInput(run(tiny(dir.resolve("b"), "--target", "mars")), "unknown deployment target 'mars'");
    assertBadInput(run(tiny(dir.resolve("c"), "--baselines", "vgg16")), "unknown baseline 'vgg16'");
    assertBadInput(run(tiny(dir.resolve("d"), "--data", "isic:" + dir.resolve("no-isic"))),
        "ISIC folder " + dir.resolve("no-isic") + " does not exist");
    assertBadInput(run(tiny(file.resolve("sub"))), "is not writable");
    assertBadInput(run(tiny(otherRun, "--baselines", "none")), "already holds a journal");
    assertBadInput(run(tiny(otherRun, "--baselines", "none", "--seed", "7", "--resume")),
        "seed: journal has '42', this search has '7'");
    assertBadInput(run(tiny(dir.resolve("e"), "--designer",
        "replay:" + otherRun.resolve("journal.jsonl"))), "holds no model exchanges");
    assertBadInput(run(tiny(dir.resolve("g"), "--parallel", "2")),
        "--parallel 2 needs workers (--workers or --members)");
    assertBadInput(run(tiny(dir.resolve("h"), "--workers", "1", "--members", "127.0.0.1:5701")),
        "give one of them");
    assertBadInput(run("worker", "--members", "127.0.0.1:5701"),
        "worker: no cluster secret: set FLNAS_CLUSTER_SECRET or FLNAS_CLUSTER_SECRET_FILE");
    assertBadInput(run("worker", "--bind", "0.0.0.0", "--members", "127.0.0.1:5701"),
        "--bind 0.0.0.0 is not a loopback address", "no TLS and no member authentication",
        "read its traffic", "--trusted-network");
    assertBadInput(run("worker", "--bind", "0.0.0.0", "--trusted-network", "--members",
        "127.0.0.1:5701"), "no network interface of this machine has the address 0.0.0.0 (a"
        + " wildcard address: bind to one interface's address); cannot bind a cluster member to"
        + " it");
    assertBadInput(run(tiny(dir.resolve("j"), "--workers", "1", "--bind", "10.1.2.3")),
        "--bind 10.1.2.3 is not a loopback address", "deny service", "WireGuard");
    assertBadInput(run(tiny(dir.resolve("i"), "--members", "127.0.0.1:5701")),
        "--members needs the cluster secret the workers were started with");
    assertBadInput(run(tiny(dir.resolve("f"), "--designer",
        "replay:" + llmJournalFromAnotherSearch())),
        "comes from another configuration: problem: journal has 'toy [3x8x8] classes=2'");
  }

  @Test
  void an_unreachable_model_endpoint_stops_with_one_line_and_consumes_no_iteration()
      throws Exception {
    int closedPort = io.flnas.testing.Ports.closedLoopbackPort();
    String url = "http://127.0.0.1:" + closedPort;
    Path out = dir.resolve("unreachable");

    Run run = run(tiny(out, "--designer", "llm", "--model", "ollama:llama3.1", "--base-url", url,
        "--baselines", "none", "--provider-retries", "0"));

    assertBadInput(run, "model endpoint " + url + " is unreachable");
    assertThat(run.err()).contains("ConnectException");
    // no iteration consumed: the journal has its header and no trial, so --resume continues it
    assertThat(Journal.readTrials(out.resolve("journal.jsonl"))).isEmpty();
  }

  @Test
  void an_unexpected_failure_prints_one_line_and_the_trace_only_with_verbose() {
    RuntimeException failure = new IllegalStateException("outer",
        new java.io.IOException("disk\nfull"));

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    ByteArrayOutputStream verbose = new ByteArrayOutputStream();

    int quietCode = Failures.report(failure, false, new PrintStream(quiet, true,
        StandardCharsets.UTF_8));
    int verboseCode = Failures.report(failure, true, new PrintStream(verbose, true,
        StandardCharsets.UTF_8));

    assertThat(quietCode).isEqualTo(1);
    assertThat(quiet.toString(StandardCharsets.UTF_8)).isEqualTo("flnas: failed:"
        + " IllegalStateException: outer (caused by IOException: disk full) (run with --verbose"
        + " for the stack trace)" + System.lineSeparator());
    assertThat(verboseCode).isEqualTo(1);
    assertThat(verbose.toString(StandardCharsets.UTF_8)).contains("\tat ", "Caused by");
  }

  /** A journal with model exchanges, written by a search unlike the CLI's tiny one. */
  private Path llmJournalFromAnotherSearch() {
    Path journal = dir.resolve("llm-journal.jsonl");
    String reply = io.flnas.space.Templates.json().render(
        io.flnas.arch.ReferenceArchitectures.smallCnn(io.flnas.arch.Shape.image(3, 8, 8), 2));
    dev.langchain4j.model.chat.ChatModel scripted = new dev.langchain4j.model.chat.ChatModel() {
      @Override
      public dev.langchain4j.model.chat.response.ChatResponse doChat(
          dev.langchain4j.model.chat.request.ChatRequest request) {
        return dev.langchain4j.model.chat.response.ChatResponse.builder()
            .aiMessage(dev.langchain4j.data.message.AiMessage.from(reply)).build();
      }
    };
    io.flnas.search.Search.builder(new io.flnas.search.Problem("toy",
            io.flnas.arch.Shape.image(3, 8, 8), 2), new io.flnas.testing.CheapEvaluator())
        .designer(io.flnas.llm.LlmDesigner.builder(
            io.flnas.llm.ConfiguredModel.of(scripted, "scripted")).build())
        .maxIterations(1).journal(journal).build().run();
    return journal;
  }

  private static void assertBadInput(Run run, String... message) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).startsWith("flnas: error: ");
    assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).doesNotContain("\tat ");
  }
}
