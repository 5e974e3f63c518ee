package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a trial's latency depends on the memory tier it trained in: trains one architecture three
 * times in one process, in each tier of {@code NativeMemory.Tier} (chosen through the evaluator's
 * thresholds), and prints {@code latency: trained <tier>, X ms, throughput Y img/s} per run. It
 * does not, within timing noise (quiet cores, 2026-11-30: kept 4.09 ms, returned 3.50, eager 3.23),
 * so latency is measured under the trial's own tier. The ISIC trial's 34 ms before be0bcc0 came
 * from the speed probe keeping every pass's temporaries, which made each pass fault in fresh
 * memory, not from the tier. Run with
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "flnas-djl/target/test-classes:flnas-djl/target/classes:\
 * flnas-core/target/classes:flnas-examples/target/flnas/lib/*" \
 * io.flnas.djl.bench.SpeedTierBenchmark [architecture.json] [images]
 * </pre>
 *
 * <p>By default the first trial of the README's search on the 25,331-image ISIC folder at 64 px
 * (seed 42), on 300 synthetic images of its input size, one epoch.
 */
public final class SpeedTierBenchmark {
  private SpeedTierBenchmark() {}

  public static void main(String[] args) throws Exception {
    String json;
    if (args.length > 0 && !args[0].equals("-")) {
      json = Files.readString(Path.of(args[0]));
    } else {
      try (InputStream in =
          SpeedTierBenchmark.class.getResourceAsStream("/bench/isic64-trial-1.json")) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    Architecture architecture = ArchitectureJson.read(json);
    ImageDataset data =
        SyntheticLesions.builder()
            .size(images)
            .imageSize(architecture.input().height())
            .seed(42)
            .generate();
    // keep up to / eagerly above, MiB of expected peak: every trial lands in the named tier
    String[] tiers = {"kept", "returned", "eager"};
    double[][] thresholds = {
      {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY},
      {0, Double.POSITIVE_INFINITY},
      {0, 0}
    };
    for (int t = 0; t < tiers.length; t++) {
      try (DjlEvaluator evaluator =
          DjlEvaluator.builder(data)
              .maxEpochs(1)
              .seed(42)
              .reuseFreedMemoryBelowMb(thresholds[t][0])
              .returnFreedMemoryEagerlyAboveMb(thresholds[t][1])
              .build()) {
        long start = System.nanoTime();
        Evaluation e = evaluator.evaluate(architecture);
        System.out.printf(
            "latency: trained %s, %.2f ms, throughput %.1f img/s (%s, %dx%d, %d images, %.0f s,"
                + " peak %.0f MB)%n",
            tiers[t],
            e.hardware().latencyMs(),
            e.hardware().throughput(),
            architecture.name(),
            architecture.input().height(),
            architecture.input().width(),
            images,
            (System.nanoTime() - start) / 1e9,
            e.hardware().processPeakMb());
      }
    }
  }
}
