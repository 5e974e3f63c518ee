package io.flnas.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Layer;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.search.journal.Journal;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpace;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Timings of the core's hot spots, as a plain main (no timed unit tests). Run with {@code ./mvnw -q
 * -pl flnas-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.flnas.bench.CoreBenchmark -Dexec.skip=false}. Each figure is the median of 5
 * rounds after warm-up.
 */
public final class CoreBenchmark {
  private CoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Shape input = Shape.image(3, 224, 224);
    Architecture resnet34 = ReferenceArchitectures.resnet34(input, 8);
    report("analytic cost of ResNet-34", "< 1 ms", 2_000, () -> Cost.of(resnet34));

    Architecture twenty = twentyLayers();
    SearchSpace space = SearchSpaces.paperCnn();
    System.out.printf(
        "(20-layer architecture: %d layers, %d violations)%n",
        twenty.layers().size(), space.validate(twenty).size());
    report("validation of a 20-layer architecture", "< 1 ms", 5_000, () -> space.validate(twenty));

    Problem problem = new Problem("benchmark", Shape.image(3, 32, 32), 8);
    Evaluation evaluation =
        new CheapEvaluator().evaluate(ReferenceArchitectures.smallCnn(problem.input(), 8));
    Trial trial =
        new Trial(
            1,
            "bench",
            Optional.of(ReferenceArchitectures.smallCnn(problem.input(), 8)),
            Trial.Status.COMPLETED,
            Optional.of(evaluation),
            Optional.empty(),
            OptionalInt.empty(),
            List.of(),
            1.0);
    Path dir = Files.createTempDirectory("flnas-bench");
    Journal journal = Journal.open(dir.resolve("journal.jsonl"), Map.of("bench", "1"));
    report("journal append per trial", "< 5 ms", 2_000, () -> journal.append(trial));

    // Loop overhead: designer and evaluator cost nothing (precomputed proposals, one evaluation).
    int iterations = 200;
    List<Architecture> proposals = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < iterations; i++) {
      proposals.add(SearchSpaces.paperCnn().sample(random, problem.input(), 8));
    }
    Search search =
        Search.builder(problem, arch -> evaluation)
            .designer(Designers.fixed(proposals))
            .target(DeploymentTargets.unconstrained())
            .maxIterations(iterations)
            .build();
    double perIteration =
        median(
            5,
            () -> {
              long start = System.nanoTime();
              search.run();
              return (System.nanoTime() - start) / 1e6 / iterations;
            },
            3);
    System.out.printf(
        "%-45s %10.4f ms  (target < 1 ms; mean over %d iterations)%n",
        "loop overhead per iteration", perIteration, iterations);
  }

  private static Architecture twentyLayers() {
    Architecture.Builder b = Architecture.builder(Shape.image(3, 64, 64), 8);
    int[] filters = {32, 32, 64, 64, 128, 128};
    for (int i = 0; i < 6; i++) {
      b.add(Layer.Conv2d.of(filters[i], 3, i % 2 == 1 ? 2 : 1));
      b.add(Layer.Norm.of(io.flnas.arch.NormKind.BATCH));
      b.add(new Layer.Activation(io.flnas.arch.ActivationKind.RELU));
    }
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(8, true)).build();
  }

  private static void report(String what, String target, int repeats, Runnable task) {
    double ms =
        median(
            5,
            () -> {
              long start = System.nanoTime();
              for (int i = 0; i < repeats; i++) {
                task.run();
              }
              return (System.nanoTime() - start) / 1e6 / repeats;
            },
            3);
    System.out.printf("%-45s %10.4f ms  (target %s)%n", what, ms, target);
  }

  private static double median(int rounds, java.util.function.DoubleSupplier round, int warmup) {
    for (int i = 0; i < warmup; i++) {
      round.getAsDouble();
    }
    double[] values = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      values[i] = round.getAsDouble();
    }
    java.util.Arrays.sort(values);
    return values[rounds / 2];
  }
}
