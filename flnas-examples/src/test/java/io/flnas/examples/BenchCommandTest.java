package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flnas bench} from the command line: its lines, its files and its usage errors. */
class BenchCommandTest {
  @TempDir Path dir;

  static FlNasMainTest.Run bench(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    return FlNasMainTest.run(all);
  }

  @Test
  void prints_one_line_per_designer_and_budget_and_writes_the_csv_and_the_plot() {
    FlNasMainTest.Run run =
        bench(
            "--benchmark",
            "nb201-cifar10",
            "--seeds",
            "4",
            "--budgets",
            "5,10",
            "--designers",
            "random,evolution,surrogate",
            "--out",
            dir.toString());

    assertThat(run.code()).as(run.err()).isZero();
    for (String designer : new String[] {"random", "evolution", "surrogate"}) {
      assertThat(run.out())
          .containsPattern(
              "bench: nb201-cifar10 "
                  + designer
                  + " N=5 test \\d+\\.\\d\\d±\\d+\\.\\d\\d \\(4 seeds\\)");
      assertThat(run.out()).containsPattern("bench: nb201-cifar10 " + designer + " N=10 test ");
    }
    assertThat(run.out()).contains("reference: nb201-cifar10 GPT-4 N=10 test 93.79±0.09");
    assertThat(dir.resolve("bench.csv")).isNotEmptyFile();
    assertThat(dir.resolve("bench.png")).isNotEmptyFile();
  }

  @Test
  void pareto_adds_hypervolume_lines_with_their_reference_point() {
    FlNasMainTest.Run run =
        bench(
            "--benchmark",
            "nb201-cifar100",
            "--seeds",
            "3",
            "--budgets",
            "10",
            "--designers",
            "random",
            "--objective",
            "pareto",
            "--device",
            "pixel3",
            "--out",
            dir.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern(
            "bench: nb201-cifar100 random N=10 hypervolume"
                + " \\d+\\.\\d±\\d+\\.\\d \\(test error % x latency ms on pixel3, reference point 100 %");
  }

  @Test
  void without_a_key_the_llm_designers_are_skipped_with_a_reason_and_the_others_run() {
    assumeTrue(System.getenv("OPENAI_API_KEY") == null, "OPENAI_API_KEY is set here");
    FlNasMainTest.Run run =
        bench(
            "--benchmark",
            "macro-cifar10",
            "--seeds",
            "2",
            "--budgets",
            "5",
            "--designers",
            "llm-evolution,random",
            "--out",
            dir.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("bench: llm-evolution skipped: OPENAI_API_KEY is not set")
        .containsPattern("bench: macro-cifar10 random N=5 test ");
    assertThat(run.out()).doesNotContain("bench: macro-cifar10 llm-evolution N=");

    FlNasMainTest.Run nothing =
        bench("--seeds", "2", "--designers", "llm", "--out", dir.toString());
    assertThat(nothing.code()).isEqualTo(2);
    assertThat(nothing.err()).contains("nothing to run without a model");
  }

  @Test
  void usage_errors_name_the_option_and_the_value_and_exit_2() throws Exception {
    FlNasMainTest.Run unknown = bench("--benchmark", "nb301", "--out", dir.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("--benchmark", "nb301");

    FlNasMainTest.Run noDevice = bench("--objective", "pareto", "--out", dir.toString());
    assertThat(noDevice.code()).isEqualTo(2);
    assertThat(noDevice.err()).contains("--objective pareto needs --device", "pixel3");

    FlNasMainTest.Run macro =
        bench(
            "--benchmark",
            "macro-cifar10",
            "--objective",
            "pareto",
            "--device",
            "pixel3",
            "--out",
            dir.toString());
    assertThat(macro.code()).isEqualTo(2);
    assertThat(macro.err()).contains("macro-cifar10 has no latencies");

    FlNasMainTest.Run designer = bench("--designers", "random,gpt5", "--out", dir.toString());
    assertThat(designer.code()).isEqualTo(2);
    assertThat(designer.err()).contains("unknown designer 'gpt5'");

    FlNasMainTest.Run budgets = bench("--budgets", "10,0", "--out", dir.toString());
    assertThat(budgets.code()).isEqualTo(2);
    assertThat(budgets.err()).contains("--budgets", "[10, 0]");
    for (FlNasMainTest.Run run :
        new FlNasMainTest.Run[] {unknown, noDevice, macro, designer, budgets}) {
      assertThat(run.err()).doesNotContain("\tat ");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing written on a usage error").isEmpty();
    }
  }
}
