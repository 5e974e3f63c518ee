package io.flnas.djl.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.space.SearchSpaces;
import java.util.Random;

/**
 * Training speed and resource figures of flnas-djl, as a plain main. Run with {@code ./mvnw -q
 * -DskipTests install && ./mvnw -q -pl flnas-djl exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.flnas.djl.bench.TrainingBenchmark -Dexec.skip=false -Dai.djl.offline=true}
 * (add {@code -Dexec.args=quick} for the throughput part only, {@code -Dexec.args=memory} for the
 * memory part only).
 *
 * <ol>
 *   <li>images/second training the reference small CNN (64x64, batch 64): (a) a bare DJL loop over
 *       in-memory tensors, (b) the evaluator's own training path on the same data;
 *   <li>seconds per candidate evaluation for random architectures of the default search space on
 *       the default synthetic configuration, at three dataset sizes;
 *   <li>resident memory across 20 consecutive evaluations, of one architecture (native memory must
 *       not grow) and of random ones (what the native allocator keeps cached).
 * </ol>
 */
public final class TrainingBenchmark {
  private TrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "all";
    if (!mode.equals("memory")) {
      throughputAndSeconds(mode.equals("quick"));
    }
    if (mode.equals("all") || mode.equals("memory")) {
      memory();
    }
  }

  private static void throughputAndSeconds(boolean quick) throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(2000).imageSize(64).seed(1).generate();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8);
    // The machine is shared and noisy: alternate (a) and (b) for three rounds, report medians.
    int epochs = 2;
    int rounds = 5;
    double[] bare = new double[rounds];
    double[] ours = new double[rounds];
    double[] ratio = new double[rounds];
    try (DjlEvaluator evaluator = DjlEvaluator.builder(data).batchSize(64).build()) {
      for (int r = 0; r < rounds; r++) {
        bare[r] = bareLoop(data, cnn, epochs);
        ours[r] = io.flnas.djl.train.TrainingSpeed.imagesPerSecond(evaluator, cnn, epochs);
        ratio[r] = ours[r] / bare[r];
        System.out.printf("  round %d: (a) %.1f, (b) %.1f images/s%n", r + 1, bare[r], ours[r]);
      }
    }
    java.util.Arrays.sort(bare);
    java.util.Arrays.sort(ours);
    java.util.Arrays.sort(ratio);
    System.out.printf(
        "small CNN 64x64 batch 64, %d train images, %d epochs after warm-up,"
            + " median of %d alternating rounds%n",
        data.train().count(), epochs, rounds);
    System.out.printf("  (a) bare DJL loop:           %8.1f images/s%n", bare[rounds / 2]);
    System.out.printf(
        "  (b) evaluator training path: %8.1f images/s  (median b/a = %.3f," + " target >= 0.95)%n",
        ours[rounds / 2], ratio[rounds / 2]);
    if (quick) {
      return;
    }

    System.out.println(
        "seconds per candidate evaluation (default search space, synthetic 32x32,"
            + " max 5 epochs, patience 2, 3 random candidates each):");
    for (int size : new int[] {500, 1000, 2000}) {
      ImageDataset sized = SyntheticLesions.builder().size(size).imageSize(32).seed(1).generate();
      try (DjlEvaluator evaluator = DjlEvaluator.builder(sized).maxEpochs(5).patience(2).build()) {
        Random random = new Random(3);
        double total = 0;
        for (int i = 0; i < 3; i++) {
          Architecture a = SearchSpaces.paperCnn().sample(random, sized.input(), 8);
          long start = System.nanoTime();
          Evaluation e = evaluator.evaluate(a);
          total += (System.nanoTime() - start) / 1e9;
          if (!e.succeeded()) {
            System.out.println("  failed: " + e.failure().orElse(""));
          }
        }
        System.out.printf("  %5d images: %6.2f s per candidate%n", size, total / 3);
      }
    }
  }

  private static void memory() throws Exception {
    ImageDataset small = SyntheticLesions.builder().size(400).imageSize(32).seed(1).generate();
    try (DjlEvaluator evaluator = DjlEvaluator.builder(small).maxEpochs(2).latencyRuns(5).build()) {
      Architecture fixed = SearchSpaces.paperCnn().sample(new Random(5), small.input(), 8);
      residentGrowth("the same architecture", evaluator, random -> fixed);
      residentGrowth(
          "random architectures",
          evaluator,
          random -> SearchSpaces.paperCnn().sample(random, small.input(), 8));
    }
  }

  /**
   * Resident memory over 20 consecutive evaluations. Native memory freed per trial shows as a flat
   * line for one architecture repeated; random architectures of varying tensor sizes also measure
   * how much the native allocator keeps cached.
   */
  private static void residentGrowth(
      String what, DjlEvaluator evaluator, java.util.function.Function<Random, Architecture> next)
      throws Exception {
    Random random = new Random(5);
    double first = Double.NaN;
    double last = Double.NaN;
    for (int i = 1; i <= 20; i++) {
      evaluator.evaluate(next.apply(random));
      System.gc();
      double rss = io.flnas.djl.train.ResidentSampler.residentMb();
      if (i == 2) {
        first = rss;
      }
      last = rss;
    }
    System.out.printf(
        "resident memory over 20 evaluations of %s: after #2 %.1f MB, after #20"
            + " %.1f MB (growth %.1f MB)%n",
        what, first, last, last - first);
  }

  private static double bareLoop(ImageDataset data, Architecture cnn, int epochs) {
    Device device = Engine.getEngine("PyTorch").defaultDevice();
    try (NDManager manager = NDManager.newBaseManager(device);
        Model model = Model.newInstance("bare", device, "PyTorch")) {
      var split = data.train();
      NDArray images =
          manager.create(
              split.pixels(),
              new Shape(split.count(), split.channels(), split.height(), split.width()));
      float[] labelValues = new float[split.count()];
      for (int i = 0; i < labelValues.length; i++) {
        labelValues[i] = split.labels()[i];
      }
      NDArray labels = manager.create(labelValues);
      model.setBlock(ArchitectureBlocks.toBlock(cnn));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
              .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(64, 3, split.height(), split.width()));
        runEpoch(trainer, images, labels, split.count());
        long start = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
          runEpoch(trainer, images, labels, split.count());
        }
        return (double) split.count() * epochs / ((System.nanoTime() - start) / 1e9);
      }
    }
  }

  private static void runEpoch(Trainer trainer, NDArray images, NDArray labels, int n) {
    for (int start = 0; start + 2 <= n; start += 64) {
      int end = Math.min(n, start + 64);
      try (NDManager batch = trainer.getManager().newSubManager()) {
        batch.tempAttachAll(images, labels);
        NDArray x = images.get(start + ":" + end);
        NDArray y = labels.get(start + ":" + end);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList predictions = trainer.forward(new NDList(x));
          NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
          collector.backward(loss);
        }
        trainer.step();
      }
    }
  }
}
