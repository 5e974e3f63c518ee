package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.MemoryFormat;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.djl.train.DjlEvaluatorBuilder;
import io.flnas.djl.train.Precision;
import io.flnas.djl.train.PrecisionUnavailableException;
import io.flnas.djl.train.TrainingSpeed;
import io.flnas.metrics.Evaluation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the levers of "Evaluation cost" (DESIGN.md) buy, as a plain main: one static method per
 * part, each printing one line that starts with its name. Run every part with {@code ./mvnw -q -pl
 * flnas-djl exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.flnas.djl.bench.CostBenchmark
 * -Dexec.skip=false -Dai.djl.offline=true}, or some of them by name with {@code -Dexec.args="speed
 * bf16"}.
 *
 * <ul>
 *   <li>{@code fidelity}: successive halving against full training on the same candidates ({@link
 *       FidelityBenchmark});
 *   <li>{@code proxy}: the rank correlation of the NASWOT score with trained accuracy ({@link
 *       ProxyBenchmark});
 *   <li>{@code speed}: images/second of the evaluator's own training path on the reference small
 *       CNN (64x64, batch 64, Adam 1e-3, 2 intra-op threads, fp32), median of {@value #ROUNDS}
 *       rounds; compare with {@code flnas-djl/src/test/python/torch_speed.py}.
 *   <li>{@code bf16}: {@link Precision#BF16} against fp32 (speed, and validation accuracy after
 *       {@value #ACCURACY_EPOCHS} epochs from the same seed); where the evaluator refuses bf16 (no
 *       bfloat16 units, another libtorch), the line says why.
 * </ul>
 */
public final class CostBenchmark {
  /** Intra-op threads of every part, so figures compare across machines with more cores. */
  static final int THREADS = 2;

  /** Rounds per timed figure; the median is printed (the machine is shared and noisy). */
  static final int ROUNDS = 3;

  /** Timed epochs per round, after one warm-up epoch. */
  static final int EPOCHS = 2;

  /** Epochs of the bf16 part's accuracy comparison. */
  static final int ACCURACY_EPOCHS = 8;

  private CostBenchmark() {}

  public static void main(String[] args) {
    Map<String, Runnable> parts = new LinkedHashMap<>();
    parts.put(
        "fidelity",
        () -> {
          try {
            FidelityBenchmark.run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    parts.put("proxy", ProxyBenchmark::run);
    parts.put("speed", CostBenchmark::speed);
    parts.put("bf16", CostBenchmark::bf16);
    List<String> chosen = args.length == 0 ? new ArrayList<>(parts.keySet()) : Arrays.asList(args);
    for (String name : chosen) {
      Runnable part = parts.get(name);
      if (part == null) {
        throw new IllegalArgumentException(
            "unknown part '" + name + "'; expected some of " + parts.keySet());
      }
      part.run();
    }
  }

  /** The 64x64 synthetic data every speed figure trains on (1400 training images). */
  static ImageDataset speedData() {
    return SyntheticLesions.builder().size(2000).imageSize(64).seed(1).generate();
  }

  /**
   * {@code speed: evaluator <x> img/s} (the evaluator as it trains by default, channels-last on the
   * CPU), then {@code speed: channels-first <y> img/s} (the same loop with NCHW batches, how it
   * trained before and how PyTorch trains by default). The two alternate round by round, so a
   * change in the machine's speed hits both alike.
   */
  static void speed() {
    ImageDataset data = speedData();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), data.numClasses());
    try (DjlEvaluator evaluator =
            speedEvaluator(data, Precision.FP32).memoryFormat(MemoryFormat.CHANNELS_LAST).build();
        DjlEvaluator first =
            speedEvaluator(data, Precision.FP32)
                .memoryFormat(MemoryFormat.CHANNELS_FIRST)
                .build()) {
      double[] last = new double[ROUNDS];
      double[] nchw = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        last[r] = TrainingSpeed.imagesPerSecond(evaluator, cnn, EPOCHS);
        nchw[r] = TrainingSpeed.imagesPerSecond(first, cnn, EPOCHS);
        System.out.printf(
            "  round %d: channels-last %.1f, channels-first %.1f img/s%n", r + 1, last[r], nchw[r]);
      }
      System.out.printf("speed: evaluator %.1f img/s%n", median(last));
      System.out.printf("speed: channels-first %.1f img/s%n", median(nchw));
    }
  }

  /**
   * {@code bf16: <x> img/s fp32 <y> img/s val acc <a> vs <b>}: the small CNN's training speed in
   * {@link Precision#BF16} and fp32 (both channels-last, rounds alternating as in {@link #speed}),
   * then the validation accuracy of the same CNN trained {@value #ACCURACY_EPOCHS} epochs from the
   * same seed in each (a and b in percent, bf16's first). Where the evaluator refuses bf16, {@code
   * bf16: unavailable (<why>)}.
   */
  static void bf16() {
    ImageDataset data = speedData();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), data.numClasses());
    DjlEvaluator low;
    try {
      low = speedEvaluator(data, Precision.BF16).build();
    } catch (PrecisionUnavailableException e) {
      System.out.println("bf16: unavailable (" + e.getMessage() + ")");
      return;
    }
    try (low;
        DjlEvaluator full = speedEvaluator(data, Precision.FP32).build()) {
      double[] bf16 = new double[ROUNDS];
      double[] fp32 = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        bf16[r] = TrainingSpeed.imagesPerSecond(low, cnn, EPOCHS);
        fp32[r] = TrainingSpeed.imagesPerSecond(full, cnn, EPOCHS);
        System.out.printf("  round %d: bf16 %.1f, fp32 %.1f img/s%n", r + 1, bf16[r], fp32[r]);
      }
      try (DjlEvaluator lowAccuracy = accuracyEvaluator(data, Precision.BF16);
          DjlEvaluator fullAccuracy = accuracyEvaluator(data, Precision.FP32)) {
        Evaluation a = lowAccuracy.evaluate(cnn);
        Evaluation b = fullAccuracy.evaluate(cnn);
        System.out.printf(
            "  %d epochs each: bf16 val loss %.4f, fp32 val loss %.4f%n",
            ACCURACY_EPOCHS, a.validation().loss(), b.validation().loss());
        System.out.printf(
            "bf16: %.1f img/s fp32 %.1f img/s val acc %.1f vs %.1f%n",
            median(bf16), median(fp32), 100 * a.accuracy(), 100 * b.accuracy());
      }
    }
  }

  private static DjlEvaluator accuracyEvaluator(ImageDataset data, Precision precision) {
    return speedEvaluator(data, precision)
        .maxEpochs(ACCURACY_EPOCHS)
        .patience(ACCURACY_EPOCHS)
        .latencyRuns(1)
        .build();
  }

  private static DjlEvaluatorBuilder speedEvaluator(ImageDataset data, Precision precision) {
    return DjlEvaluator.builder(data)
        .batchSize(64)
        .learningRate(1e-3)
        .threads(THREADS)
        .precision(precision);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
