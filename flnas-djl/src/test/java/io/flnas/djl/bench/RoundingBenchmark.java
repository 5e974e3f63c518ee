package io.flnas.djl.bench;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.data.CompactImages;
import io.flnas.djl.data.FloatImages;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import java.util.Random;

/**
 * How far a perturbation as small as 8-bit rounding moves a trained baseline's Table I figures: the
 * default data (1,400 synthetic images of 16x16, seed 42) trained as stored, then again with every
 * pixel moved by uniform noise within half an 8-bit step (±0.5/255 before normalization, a fresh
 * draw per repeat), one seed for training throughout. The spread of those repeats is the scale of
 * change that storing the images as bytes instead of floats explains (issue 24):
 *
 * <pre>{@code
 * ./mvnw -q -DskipTests install && ./mvnw -q -pl flnas-djl exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.flnas.djl.bench.RoundingBenchmark -Dexec.skip=false \
 *   -Dexec.args="resnet18 3"
 * }</pre>
 *
 * <p>Prints one line per training: {@code rounding: <model> <data> test acc X% unfairness Y val acc
 * Z%}.
 */
public final class RoundingBenchmark {
  private RoundingBenchmark() {}

  public static void main(String[] args) {
    String model = args.length > 0 ? args[0] : "resnet18";
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ImageDataset stored = WorkSpec.djl("synthetic", 1400, 16, 42, 4, 2).loadDataset();
    for (int k = 0; k <= repeats; k++) {
      ImageDataset data = k == 0 ? stored : dithered(stored, k);
      try (DjlEvaluator evaluator =
          DjlEvaluator.builder(data).maxEpochs(4).patience(2).seed(42).build()) {
        Evaluation e =
            evaluator.evaluate(
                ReferenceArchitectures.byName(model, data.input(), data.numClasses()));
        System.out.printf(
            "rounding: %s %s test acc %.2f%% unfairness %.4f val acc %.2f%%%n",
            model,
            k == 0 ? "as stored" : "dither " + k,
            100 * e.test().accuracy(),
            e.testFairness().unfairness(),
            100 * e.validation().accuracy());
      }
    }
  }

  private static ImageDataset dithered(ImageDataset data, long seed) {
    Random random = new Random(seed);
    return new ImageDataset(
        data.name(),
        data.description(),
        data.classes(),
        dithered(data.train(), random),
        dithered(data.validation(), random),
        dithered(data.test(), random),
        data.skipped());
  }

  /** The split's normalized pixels, each moved by up to half an 8-bit step of its channel. */
  private static Split dithered(Split split, Random random) {
    CompactImages images = (CompactImages) split.images();
    float[] values = split.pixels();
    int plane = split.height() * split.width();
    for (int i = 0; i < values.length; i++) {
      int channel = (i / plane) % split.channels();
      values[i] += (float) ((random.nextDouble() - 0.5) / 255 / images.std()[channel]);
    }
    return new Split(
        new FloatImages(split.count(), split.channels(), split.height(), split.width(), values),
        split.labels(),
        split.groups());
  }
}
