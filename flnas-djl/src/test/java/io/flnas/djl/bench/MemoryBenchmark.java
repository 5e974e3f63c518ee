package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.djl.train.DjlEvaluatorBuilder;
import io.flnas.djl.train.ResidentSampler;
import io.flnas.metrics.Evaluation;
import io.flnas.space.SearchSpaces;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The resident memory a whole process needs to train one model on the default data, sampled from
 * outside. Run with {@code ./mvnw -q -DskipTests install && ./mvnw -q -pl flnas-djl exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.flnas.djl.bench.MemoryBenchmark -Dexec.skip=false}
 * (models in {@code -Dexec.args}, default: the four baselines and three architectures drawn from
 * the paper's space with seed 1).
 *
 * <p>Each model trains in a fresh JVM (the program's own settings: the default synthetic data,
 * 1,400 images of 16x16, at most 4 epochs, patience 2, {@code -Xmx768m -XX:+UseSerialGC} as under
 * the README's command, whose {@code .mvn/jvm.config} sets them) while this process reads that
 * JVM's {@code VmRSS} from {@code /proc/<pid>/status} every 100 ms. It prints one line per model,
 * {@code memory: <model> peak X MB (sampled)}, beside the evaluator's own in-process estimate of
 * the peak made before training.
 */
public final class MemoryBenchmark {
  /**
   * The evaluator's activation budget, MiB ({@code Infinity} for none); default the evaluator's.
   */
  static final String BUDGET = "flnas.bench.activationBudgetMb";

  /** Whether the evaluator keeps freed native memory for reuse within a trial; default true. */
  static final String REUSE = "flnas.bench.reuseFreedMemory";

  /** The expected peak above which freed memory goes back eagerly, MiB; default the evaluator's. */
  static final String EAGER = "flnas.bench.returnFreedMemoryEagerlyAboveMb";

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--child")) {
      child(args[1]);
      return;
    }
    List<String> models = args.length > 0 ? List.of(args) : defaults();
    String classpath = classpath();
    for (String model : models) {
      Path report = Files.createTempFile("flnas-memory", ".txt");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx768m",
                  "-XX:+UseSerialGC",
                  "-Dai.djl.offline=true",
                  "-D" + REUSE + "=" + System.getProperty(REUSE, "true"),
                  "-D"
                      + EAGER
                      + "="
                      + System.getProperty(
                          EAGER,
                          Double.toString(DjlEvaluatorBuilder.DEFAULT_RETURN_EAGERLY_ABOVE_MB)),
                  "-D"
                      + BUDGET
                      + "="
                      + System.getProperty(
                          BUDGET,
                          Double.toString(DjlEvaluatorBuilder.DEFAULT_ACTIVATION_BUDGET_MB)),
                  "-cp",
                  classpath,
                  MemoryBenchmark.class.getName(),
                  "--child",
                  model));
      Process child =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(report.toFile())
              .start();
      try {
        double peak = 0;
        while (child.isAlive()) {
          double now = ResidentSampler.residentMb(child.pid());
          if (!Double.isNaN(now)) {
            peak = Math.max(peak, now);
          }
          Thread.sleep(100);
        }
        List<String> lines = Files.readAllLines(report);
        String out = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
        if (child.exitValue() != 0) {
          System.out.printf("memory: %s failed (exit %d): %s%n", model, child.exitValue(), out);
          continue;
        }
        System.out.printf("memory: %s peak %.0f MB (sampled) %s%n", model, peak, out);
      } finally {
        child.destroyForcibly();
        Files.deleteIfExists(report);
      }
    }
  }

  /** The four baselines, then three architectures drawn from the paper's space. */
  private static List<String> defaults() {
    List<String> names =
        new ArrayList<>(List.of("resnet18", "resnet34", "mobilenet_v1", "mobilenet_v2"));
    for (int i = 0; i < 3; i++) {
      names.add("random" + i);
    }
    return names;
  }

  private static Architecture architecture(String model, ImageDataset data) {
    if (model.startsWith("random")) {
      Random random = new Random(1);
      Architecture drawn = null;
      for (int i = 0; i <= Integer.parseInt(model.substring("random".length())); i++) {
        drawn = SearchSpaces.paperCnn().sample(random, data.input(), data.numClasses());
      }
      return drawn;
    }
    return ReferenceArchitectures.byName(model, data.input(), data.numClasses());
  }

  private static void child(String model) {
    ImageDataset data = WorkSpec.djl("synthetic", 1400, 16, 42, 4, 2).loadDataset();
    Architecture architecture = architecture(model, data);
    double budget = Double.parseDouble(System.getProperty(BUDGET));
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(4)
            .patience(2)
            .seed(42)
            .activationBudgetMb(budget)
            .reuseFreedMemory(Boolean.parseBoolean(System.getProperty(REUSE, "true")))
            .returnFreedMemoryEagerlyAboveMb(Double.parseDouble(System.getProperty(EAGER)))
            .build()) {
      double expected = evaluator.expectedPeakMb(architecture);
      long start = System.nanoTime();
      Evaluation evaluation =
          evaluator.evaluate(
              architecture,
              (epoch, max, loss) ->
                  System.out.printf(
                      "epoch %d/%d at %.1f s, validation loss %.6f%n",
                      epoch, max, (System.nanoTime() - start) / 1e9, loss));
      System.out.printf(
          "(expected %.0f MB; in-process %.0f MB; %s, %d epochs, val acc %.1f%%;"
              + " activation budget %s MB, micro-batch %d)%n",
          expected,
          evaluation.hardware().processPeakMb(),
          evaluation.failure().orElse("trained"),
          evaluation.epochs(),
          100 * evaluation.validation().accuracy(),
          budget,
          evaluator.microBatch(architecture));
    }
  }

  /** The class path of this program, also under {@code exec:java}'s class loader. */
  private static String classpath() throws Exception {
    List<String> entries = new ArrayList<>();
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
      for (URL url : loader.getURLs()) {
        entries.add(Path.of(url.toURI()).toString());
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }
}
