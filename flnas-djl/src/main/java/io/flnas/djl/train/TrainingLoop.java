package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.flnas.djl.model.MemoryFormat;
import io.flnas.djl.model.NativeArrays;
import io.flnas.djl.model.NativeScalar;
import io.flnas.metrics.SplitMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The training loop's steps, on the dataset's device tensors: one seeded epoch, scoring a split,
 * and the best epoch's weights kept and restored. {@link DjlEvaluator} composes them.
 */
final class TrainingLoop {
  private final DeviceData data;
  private final Hyperparameters hyper;
  private final MemoryFormat format;

  /** The training configuration of every candidate: softmax cross-entropy, the optimizer. */
  static DefaultTrainingConfig config(Hyperparameters hyper, Device device) {
    return config(hyper, device, 0);
  }

  /**
   * The training configuration of a candidate whose optimizer has taken {@code stepsBefore} steps
   * already (a rung of successive halving that continues a trial).
   */
  static DefaultTrainingConfig config(Hyperparameters hyper, Device device, int stepsBefore) {
    Tracker rate = Tracker.fixed((float) hyper.learningRate());
    Optimizer optimizer =
        "sgd".equals(hyper.optimizer())
            ? Optimizer.sgd().setLearningRateTracker(rate).optMomentum(0.9f).build()
            : new ResumableAdam(rate, stepsBefore);
    return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(optimizer)
        .optDevices(new Device[] {device});
  }

  TrainingLoop(DeviceData data, Hyperparameters hyper, MemoryFormat format) {
    this.data = data;
    this.hyper = hyper;
    this.format = format;
  }

  MemoryFormat format() {
    return format;
  }

  /** Draws the batch orders of {@code epochs} epochs from {@code order} without training. */
  void skipEpochs(Random order, int epochs) {
    for (int i = 0; i < epochs; i++) {
      io.flnas.djl.data.Permutations.random(data.train.count(), order);
    }
  }

  /**
   * One pass over the training split in a seeded random order; mean loss and accuracy. Each batch
   * enters the network in the loop's {@link MemoryFormat}.
   */
  SplitMetrics trainEpoch(Trainer trainer, Random order) {
    return trainEpoch(trainer, order, hyper.batchSize());
  }

  /**
   * One epoch, each batch in micro-batches of at most {@code micro} samples whose gradients add up
   * before the one optimizer step of the batch: the same step as the whole batch at once (each
   * micro-batch's mean loss weighted by its share of the batch), except that batch normalization
   * normalizes over each micro-batch. Only one micro-batch's activations live at a time, which is
   * what bounds a large model's training memory. With {@code micro >= batchSize} it is the plain
   * epoch, bit for bit.
   */
  SplitMetrics trainEpoch(Trainer trainer, Random order, int micro) {
    DeviceData.Tensors train = data.train;
    int n = train.count();
    int[] permutation = io.flnas.djl.data.Permutations.random(n, order);
    double lossSum = 0;
    long correct = 0;
    int seen = 0;
    for (int start = 0; start < n; start += hyper.batchSize()) {
      DjlEvaluator.holdIfExiting();
      int end = Math.min(n, start + hyper.batchSize());
      if (end - start < 2 && n > 1) {
        break; // batch norm cannot train on a single sample
      }
      int parts = Math.max(1, (end - start + micro - 1) / micro);
      try (GradientCollector collector = trainer.newGradientCollector()) {
        for (int part = 0; part < parts; part++) {
          int from = start + (end - start) * part / parts;
          int to = start + (end - start) * (part + 1) / parts;
          try (NDManager batch = trainer.getManager().newSubManager()) {
            // While the batch lives, the shared tensors belong to it, so every array an indexing
            // op creates is freed with the batch instead of piling up in the dataset's manager.
            batch.tempAttachAll(train.labels);
            int[] rows = Arrays.copyOfRange(permutation, from, to);
            NDArray index = batch.create(toLongs(rows));
            NDArray x = format.apply(train.images(batch, rows));
            NDArray y = train.labels.get(index);
            NDList predictions = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
              return new SplitMetrics(value, Double.NaN);
            }
            // the share as a libtorch-owned scalar: autograd keeps it for the backward pass, and a
            // Java-backed one (loss.mul(float)) may be freed before that (NativeScalar)
            collector.backward(
                parts == 1
                    ? loss
                    : loss.mul(NativeScalar.of(batch, loss, (float) (to - from) / (end - start))));
            lossSum += (double) value * (to - from);
            correct +=
                predictions
                    .singletonOrThrow()
                    .argMax(1)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .eq(y)
                    .sum()
                    .getLong();
            seen += to - from;
          }
        }
      }
      trainer.step();
    }
    return seen == 0
        ? SplitMetrics.UNKNOWN
        : new SplitMetrics(lossSum / seen, (double) correct / seen);
  }

  /** Loss, accuracy and predictions on a split, in inference mode. */
  Scored score(Trainer trainer, DeviceData.Tensors split) {
    int n = split.count();
    int[] predictions = new int[n];
    double lossSum = 0;
    long correct = 0;
    // Chunks of the training batch: a chunk's forward pass then needs no more memory than a
    // training step, which the run needs anyway (256 at a time held 3 GB for MobileNetV2).
    int step = hyper.batchSize();
    for (int start = 0; start < n; start += step) {
      DjlEvaluator.holdIfExiting();
      int end = Math.min(n, start + step);
      try (NDManager batch = trainer.getManager().newSubManager()) {
        batch.tempAttachAll(split.labels);
        NDArray x = format.apply(split.images(batch, start, end));
        NDArray y = split.labels.get(start + ":" + end);
        NDList output = trainer.evaluate(new NDList(x));
        lossSum +=
            (double) trainer.getLoss().evaluate(new NDList(y), output).getFloat() * (end - start);
        long[] predicted = output.singletonOrThrow().argMax(1).toLongArray();
        for (int i = 0; i < predicted.length; i++) {
          predictions[start + i] = (int) predicted[i];
          correct += predicted[i] == split.split.labels()[start + i] ? 1 : 0;
        }
      }
    }
    return new Scored(new SplitMetrics(lossSum / n, (double) correct / n), predictions);
  }

  record Scored(SplitMetrics metrics, int[] predictions) {
    /** The fairness report of these predictions on the split they were made on. */
    io.flnas.metrics.FairnessReport fairness(int classes, DeviceData.Tensors split) {
      return io.flnas.metrics.FairnessMetrics.compute(
          classes, split.split.labels(), predictions, split.split.groups());
    }
  }

  /** Copies every parameter (running statistics too) into {@code manager}, replacing the last. */
  static List<NDArray> snapshot(Block block, NDManager manager, List<NDArray> previous) {
    if (previous != null) {
      previous.forEach(NDArray::close);
    }
    List<NDArray> copies = new ArrayList<>();
    for (var pair : block.getParameters()) {
      NDArray copy = pair.getValue().getArray().duplicate();
      copy.attach(manager);
      copies.add(copy);
    }
    return copies;
  }

  static void restore(Block block, List<NDArray> snapshot) {
    if (snapshot == null) {
      return;
    }
    int i = 0;
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      // into the parameter's own memory: copyTo would make it a Java buffer (NativeArrays)
      NativeArrays.copyInto(snapshot.get(i++), parameter.getArray());
    }
  }

  private static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
