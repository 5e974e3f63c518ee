package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process stopped while it trains (SIGTERM: Ctrl-C, a supervisor) ends cleanly: before, the JVM's
 * exit ran libtorch's static destructors under the training thread, whose next call crashed the JVM
 * with a fatal-error report ({@code at::accelerator::getAccelerator}).
 */
class ExitDuringTrainingTest {
  @Test
  void a_process_stopped_mid_training_exits_without_a_crash(@TempDir Path dir) throws Exception {
    for (int attempt = 0; attempt < 3; attempt++) {
      Path output = dir.resolve("child-" + attempt + ".txt");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-Dai.djl.offline=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Trainer.class.getName())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      List<String> lines;
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(output).contains("training") && child.isAlive()) {
          assertThat(System.nanoTime()).as("the child started training").isLessThan(deadline);
          Thread.sleep(50);
        }
        Thread.sleep(1500 + 700L * attempt); // well inside a step's forward or backward pass
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        lines = Files.readAllLines(output);
      } finally {
        child.destroyForcibly();
      }
      assertThat(String.join("\n", lines))
          .as("output of a stopped training")
          .doesNotContain("fatal error", "SIGSEGV");
      assertThat(child.exitValue()).isEqualTo(143);
      try (var files = Files.list(dir)) {
        assertThat(files.map(Path::getFileName).map(Path::toString))
            .noneMatch(name -> name.startsWith("hs_err"));
      }
    }
  }

  /** Trains one model after another until stopped, holding training for the exit as flnas does. */
  public static final class Trainer {
    public static void main(String[] args) {
      ImageDataset data = SyntheticLesions.builder().size(200).imageSize(16).seed(1).generate();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> DjlEvaluator.holdTrainingForExit(Duration.ofSeconds(30))));
      try (DjlEvaluator evaluator =
          DjlEvaluator.builder(data).maxEpochs(50).patience(50).latencyRuns(1).build()) {
        System.out.println("training");
        System.out.flush();
        while (true) {
          evaluator.evaluate(
              ReferenceArchitectures.byName("resnet18", data.input(), data.numClasses()));
        }
      }
    }
  }
}
