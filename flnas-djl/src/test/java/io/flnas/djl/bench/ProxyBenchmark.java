package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.proxy.NaswotScorer;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.space.SearchSpace;
import io.flnas.space.SearchSpaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * How well the NASWOT proxy ranks architectures before training, on the default configuration:
 * {@value #ARCHITECTURES} random architectures of {@link SearchSpaces#paperCnn()} (drawn with a
 * seeded generator) on the default synthetic data (1400 images, 16x16, seed 42), each scored by
 * {@link NaswotScorer} at its defaults and trained as the default run trains (at most 4 epochs,
 * patience 2, seed 42); prints the Spearman rank correlation between the proxy score and the
 * validation accuracy as {@code proxy: spearman <rho> over <n> architectures} (failed trainings
 * left out). Takes a few minutes on a CPU. Run with {@code ./mvnw -q -DskipTests install && ./mvnw
 * -q -pl flnas-djl exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.flnas.djl.bench.ProxyBenchmark -Dexec.skip=false -Dai.djl.offline=true}.
 */
public final class ProxyBenchmark {
  static final int ARCHITECTURES = 30;

  private ProxyBenchmark() {}

  public static void main(String[] args) {
    run();
  }

  /** Scores, trains and prints the one line; a part of {@code CostBenchmark}. */
  public static void run() {
    ImageDataset data = SyntheticLesions.builder().size(1400).imageSize(16).seed(42).generate();
    SearchSpace space = SearchSpaces.paperCnn();
    Random random = new Random(42);
    NaswotScorer scorer = NaswotScorer.builder(data).build();
    List<Double> scores = new ArrayList<>();
    List<Double> accuracies = new ArrayList<>();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(4).patience(2).seed(42).build()) {
      // Until ARCHITECTURES have trained: a sample whose training fails (a NaN loss) is replaced.
      for (int tried = 0; scores.size() < ARCHITECTURES && tried < 2 * ARCHITECTURES; tried++) {
        Architecture architecture = space.sample(random, data.input(), data.numClasses());
        double score = scorer.score(architecture);
        Evaluation evaluation = evaluator.evaluate(architecture);
        if (evaluation.succeeded()) {
          scores.add(score);
          accuracies.add(evaluation.accuracy());
        }
      }
    }
    System.out.printf(
        "proxy: spearman %.3f over %d architectures%n",
        spearman(scores, accuracies), scores.size());
  }

  /** Spearman's rho: Pearson's correlation of the ranks, ties sharing their average rank. */
  static double spearman(List<Double> x, List<Double> y) {
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mx = Arrays.stream(rx).average().orElse(0);
    double my = Arrays.stream(ry).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < rx.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double[] ranks(List<Double> values) {
    Integer[] order = IntStream.range(0, values.size()).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparing(values::get));
    double[] ranks = new double[values.size()];
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end + 1 < order.length
          && values.get(order[end + 1]).equals(values.get(order[start]))) {
        end++;
      }
      for (int k = start; k <= end; k++) {
        ranks[order[k]] = (start + end) / 2.0 + 1;
      }
      start = end + 1;
    }
    return ranks;
  }
}
