package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program in a JVM of its own, as a user starts it: the engine's start-up (which fires its
 * warnings once per process) is not shared with other tests, so what reaches the console is real.
 */
class QuietOutputTest {
  @TempDir
  Path dir;

  record Output(int code, String out, String err) {}

  private Output program(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
        "-Djava.awt.headless=true", FlNasMain.class.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout-" + args.length + ".txt");
    Path err = dir.resolve("stderr-" + args.length + ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try {
      boolean done = process.waitFor(180, TimeUnit.SECONDS);
      assertThat(done).as("the program finished in time").isTrue();
      return new Output(process.exitValue(), read(out), read(err));
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Test
  void a_run_prints_no_engine_warnings_or_library_info_and_verbose_shows_them() throws Exception {
    Output quiet = program("--samples", "60", "--image-size", "8", "--max-epochs", "1",
        "--iterations", "1", "--baselines", "none", "--out", dir.resolve("quiet").toString(),
        "--no-progress");

    assertThat(quiet.code()).as(quiet.err()).isZero();
    assertThat(quiet.out()).contains("engine: PyTorch 2.7.1", "training on cpu", "#1 ");
    assertThat(quiet.err()).as("standard error of a quiet run").isEmpty();
    assertThat(quiet.out()).doesNotContain("WARN", "INFO", "AutoNonVariableTypeMode",
        "Failed to detect GPU");

    Output verbose = program("--samples", "60", "--image-size", "8", "--max-epochs", "1",
        "--iterations", "1", "--baselines", "none", "--out", dir.resolve("verbose").toString(),
        "--no-progress", "--verbose");

    assertThat(verbose.code()).as(verbose.err()).isZero();
    assertThat(verbose.err()).contains("INFO ai.djl", "AutoNonVariableTypeMode");
  }
}
