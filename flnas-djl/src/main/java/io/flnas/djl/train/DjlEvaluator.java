package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessIntervals;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Evaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The default {@link Evaluator}: trains a candidate with DJL on the PyTorch engine and measures
 * it. Training uses one fixed set of {@link Hyperparameters} for every candidate, stops when the
 * validation loss has not improved for {@code patience} epochs and restores the best epoch's
 * weights; a NaN or infinite loss fails the trial with that reason. Every native resource of a
 * trial (model, trainer, batch arrays, weight snapshots) is closed before {@code evaluate}
 * returns, and freed native memory is then given back to the system ({@code malloc_trim}), so the
 * resident set does not grow with the variety of candidates; the dataset's tensors live on the
 * device once for the evaluator's lifetime, so close the evaluator after the search.
 *
 * <p>Each evaluation also carries its test predictions and seeded bootstrap 95% intervals of the
 * test figures ({@link Bootstrap}, {@code bootstrapResamples} resamples, the training seed), and
 * the model's own memory ({@link ModelMemory}); the process high-water mark is
 * recorded beside it under its own name.
 *
 * <pre>{@code
 * try (DjlEvaluator evaluator = DjlEvaluator.builder(dataset).maxEpochs(5).build()) {
 *   SearchResult result = Search.builder(dataset.problem(), evaluator).build().run();
 * }
 * }</pre>
 */
public final class DjlEvaluator implements Evaluator, AutoCloseable {
  private final ImageDataset dataset;
  private final Hyperparameters hyper;
  private final Device device;
  private final int latencyRuns;
  private final int throughputBatch;
  private final int bootstrapResamples;
  private final DeviceData data;

  private DjlEvaluator(Builder b) {
    this.dataset = b.dataset;
    this.hyper = b.hyper;
    this.latencyRuns = b.latencyRuns;
    this.throughputBatch = b.throughputBatch;
    this.bootstrapResamples = b.bootstrapResamples;
    Engine engine = Engine.getEngine("PyTorch");
    if (b.threads > 0) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(b.threads);
    }
    this.device = b.device != null ? b.device : engine.defaultDevice();
    this.data = new DeviceData(dataset, device);
  }

  public static Builder builder(ImageDataset dataset) {
    return new Builder(dataset);
  }

  public Hyperparameters hyperparameters() {
    return hyper;
  }

  public Device device() {
    return device;
  }

  public ImageDataset dataset() {
    return dataset;
  }

  @Override
  public String name() {
    return "djl(" + dataset.name() + " " + dataset.size() + " images " + dataset.input() + ", "
        + hyper + ")";
  }

  @Override
  public Evaluation evaluate(Architecture architecture) {
    return evaluate(architecture, EpochListener.NONE);
  }

  @Override
  public Evaluation evaluate(Architecture architecture, EpochListener epochs) {
    return train(architecture, epochs, null);
  }

  /**
   * Trains and measures like {@link #evaluate}, then saves the restored best weights and the
   * architecture JSON into {@code directory} (see {@link ModelExport}).
   */
  public Evaluation evaluateAndExport(Architecture architecture, Path directory) {
    return train(architecture, EpochListener.NONE, directory);
  }

  private Evaluation train(Architecture architecture, EpochListener epochs, Path exportTo) {
    try {
      return trainAndMeasure(architecture, epochs, exportTo);
    } finally {
      NativeMemory.trim();
    }
  }

  private Evaluation trainAndMeasure(Architecture architecture, EpochListener epochs,
      Path exportTo) {
    Cost cost = Cost.of(architecture);
    HardwareReport analytic = HardwareReport.analytic(cost);
    Memory.resetPeak();
    long started = System.nanoTime();
    Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed());
    try (Model model = Model.newInstance("candidate", device, "PyTorch")) {
      Block block = ArchitectureBlocks.toBlock(architecture);
      model.setBlock(block);
      Optimizer optimizer = "sgd".equals(hyper.optimizer())
          ? Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) hyper.learningRate()))
              .optMomentum(0.9f).build()
          : Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) hyper.learningRate()))
              .build();
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(optimizer).optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config);
          NDManager snapshots = NDManager.newBaseManager(device)) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(hyper.batchSize(), in.channels(), in.height(), in.width()));
        double bestLoss = Double.POSITIVE_INFINITY;
        SplitMetrics bestTrain = SplitMetrics.UNKNOWN;
        List<NDArray> best = null;
        int epochsRun = 0;
        int sinceBest = 0;
        Random order = new Random(hyper.seed());
        for (int epoch = 1; epoch <= hyper.maxEpochs(); epoch++) {
          SplitMetrics trainMetrics = trainEpoch(trainer, order);
          epochsRun = epoch;
          if (!Double.isFinite(trainMetrics.loss())) {
            return Evaluation.failed("training loss became " + trainMetrics.loss() + " at epoch "
                + epoch, analytic);
          }
          Scored validation = score(trainer, data.validation);
          if (!Double.isFinite(validation.metrics.loss())) {
            return Evaluation.failed("validation loss became " + validation.metrics.loss()
                + " at epoch " + epoch, analytic);
          }
          epochs.epochFinished(epoch, hyper.maxEpochs(), validation.metrics.loss());
          if (validation.metrics.loss() < bestLoss) {
            bestLoss = validation.metrics.loss();
            bestTrain = trainMetrics;
            best = snapshot(block, snapshots, best);
            sinceBest = 0;
          } else if (++sinceBest >= hyper.patience()) {
            break;
          }
        }
        restore(block, best);
        double trainingSeconds = (System.nanoTime() - started) / 1e9;
        Scored validation = score(trainer, data.validation);
        Scored test = score(trainer, data.test);
        int classes = dataset.numClasses();
        FairnessReport validationFairness = FairnessMetrics.compute(classes,
            data.validation.split.labels(), validation.predictions,
            data.validation.split.groups());
        FairnessReport testFairness = FairnessMetrics.compute(classes, data.test.split.labels(),
            test.predictions, data.test.split.groups());
        FairnessIntervals testIntervals = Bootstrap.intervals(classes,
            data.test.split.labels(), test.predictions, data.test.split.groups(),
            bootstrapResamples, hyper.seed());
        double latency = latencyMs(trainer, in);
        double throughput = throughput(trainer, in);
        double modelMemory = ModelMemory.measureMb(trainer, block, in, LATENCY_BATCH, device);
        if (exportTo != null) {
          ModelExport.save(model, architecture, exportTo);
        }
        HardwareReport hardware = new HardwareReport(cost.parameters(), cost.macs(),
            cost.memoryMb(), latency, throughput, modelMemory, Memory.peakMb(), deviceName());
        return new Evaluation(bestTrain, validation.metrics, test.metrics, epochsRun,
            trainingSeconds, validationFairness, testFairness, hardware, Optional.empty(),
            Arrays.stream(test.predictions).boxed().toList(), Optional.of(testIntervals));
      }
    }
  }

  /**
   * Images per second of this evaluator's own training path (the code {@link #evaluate} trains
   * with: seeded shuffled batches, loss and accuracy per batch), over {@code epochs} epochs after
   * one warm-up epoch, excluding validation. For benchmarks.
   */
  public double trainingThroughput(Architecture architecture, int epochs) {
    Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed());
    try (Model model = Model.newInstance("benchmark", device, "PyTorch")) {
      model.setBlock(ArchitectureBlocks.toBlock(architecture));
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(
              Tracker.fixed((float) hyper.learningRate())).build())
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(hyper.batchSize(), in.channels(), in.height(), in.width()));
        Random order = new Random(hyper.seed());
        trainEpoch(trainer, order);
        long start = System.nanoTime();
        for (int i = 0; i < epochs; i++) {
          trainEpoch(trainer, order);
        }
        return (double) data.train.count() * epochs / ((System.nanoTime() - start) / 1e9);
      }
    }
  }

  /**
   * The engine and the native library it loaded, e.g. {@code PyTorch 2.7.1 (libtorch in
   * ~/.djl.ai/pytorch/2.7.1-...-cpu-linux-x86_64)}: tells a CPU build from a CUDA one.
   */
  public static String engineDescription() {
    Engine.getEngine("PyTorch");
    return "PyTorch " + ai.djl.pytorch.jni.LibUtils.getVersion() + " (libtorch in "
        + ai.djl.pytorch.jni.LibUtils.getLibtorchPath() + ")";
  }

  /** What trials run on: {@code cpu(2 threads)}, or the GPU, e.g. {@code gpu(0)}. */
  public String deviceName() {
    return device.isGpu() ? device.toString()
        : "cpu(" + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " threads)";
  }

  /** One pass over the training split in a seeded random order; mean loss and accuracy. */
  private SplitMetrics trainEpoch(Trainer trainer, Random order) {
    DeviceData.Tensors train = data.train;
    int n = train.count();
    long[] permutation = toLongs(io.flnas.djl.data.Permutations.random(n, order));
    double lossSum = 0;
    long correct = 0;
    int seen = 0;
    for (int start = 0; start < n; start += hyper.batchSize()) {
      int end = Math.min(n, start + hyper.batchSize());
      if (end - start < 2 && n > 1) {
        break; // batch norm cannot train on a single sample
      }
      try (NDManager batch = trainer.getManager().newSubManager()) {
        // While the batch lives, the shared tensors belong to it, so every array an indexing op
        // creates is freed with the batch instead of piling up in the dataset's manager.
        batch.tempAttachAll(train.images, train.labels);
        NDArray index = batch.create(Arrays.copyOfRange(permutation, start, end));
        NDArray x = train.images.get(index);
        NDArray y = train.labels.get(index);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList predictions = trainer.forward(new NDList(x));
          NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
          float value = loss.getFloat();
          if (!Float.isFinite(value)) {
            return new SplitMetrics(value, Double.NaN);
          }
          collector.backward(loss);
          lossSum += (double) value * (end - start);
          correct += predictions.singletonOrThrow().argMax(1).toType(
              ai.djl.ndarray.types.DataType.FLOAT32, false).eq(y).sum().getLong();
          seen += end - start;
        }
        trainer.step();
      }
    }
    return seen == 0 ? SplitMetrics.UNKNOWN : new SplitMetrics(lossSum / seen, (double) correct / seen);
  }

  /** Loss, accuracy and predictions on a split, in inference mode. */
  private Scored score(Trainer trainer, DeviceData.Tensors split) {
    int n = split.count();
    int[] predictions = new int[n];
    double lossSum = 0;
    long correct = 0;
    int step = 256;
    for (int start = 0; start < n; start += step) {
      int end = Math.min(n, start + step);
      try (NDManager batch = trainer.getManager().newSubManager()) {
        batch.tempAttachAll(split.images, split.labels);
        NDArray x = split.images.get(start + ":" + end);
        NDArray y = split.labels.get(start + ":" + end);
        NDList output = trainer.evaluate(new NDList(x));
        lossSum += (double) trainer.getLoss().evaluate(new NDList(y), output).getFloat()
            * (end - start);
        long[] predicted = output.singletonOrThrow().argMax(1).toLongArray();
        for (int i = 0; i < predicted.length; i++) {
          predictions[start + i] = (int) predicted[i];
          correct += predicted[i] == split.split.labels()[start + i] ? 1 : 0;
        }
      }
    }
    return new Scored(new SplitMetrics(lossSum / n, (double) correct / n), predictions);
  }

  private record Scored(SplitMetrics metrics, int[] predictions) {}

  /** The paper's deployment batch size: latency and model memory are measured at it. */
  static final int LATENCY_BATCH = 2;

  /** Median latency per image of a batch-2 forward pass, output copied to the host. */
  private double latencyMs(Trainer trainer, io.flnas.arch.Shape in) {
    double[] times = timeForward(trainer, in, LATENCY_BATCH, latencyRuns);
    return times[times.length / 2] / LATENCY_BATCH;
  }

  /** Images per second at the throughput batch size (median of 5 runs). */
  private double throughput(Trainer trainer, io.flnas.arch.Shape in) {
    double[] times = timeForward(trainer, in, throughputBatch, 5);
    return throughputBatch / (times[times.length / 2] / 1000);
  }

  private double[] timeForward(Trainer trainer, io.flnas.arch.Shape in, int batchSize, int runs) {
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x = manager.randomNormal(new Shape(batchSize, in.channels(), in.height(),
          in.width()));
      for (int i = 0; i < 3; i++) {
        try (NDManager step = manager.newSubManager()) {
          NDList out = trainer.evaluate(new NDList(x));
          out.attach(step);
          out.singletonOrThrow().toFloatArray();
        }
      }
      double[] times = new double[runs];
      for (int i = 0; i < runs; i++) {
        try (NDManager step = manager.newSubManager()) {
          long start = System.nanoTime();
          NDList out = trainer.evaluate(new NDList(x));
          out.singletonOrThrow().toFloatArray();
          times[i] = (System.nanoTime() - start) / 1e6;
          out.attach(step);
        }
      }
      Arrays.sort(times);
      return times;
    }
  }

  /** Copies every parameter (running statistics too) into {@code manager}, replacing the last. */
  private static List<NDArray> snapshot(Block block, NDManager manager, List<NDArray> previous) {
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

  private static void restore(Block block, List<NDArray> snapshot) {
    if (snapshot == null) {
      return;
    }
    int i = 0;
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      snapshot.get(i++).copyTo(parameter.getArray());
    }
  }

  private static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** The device tensors, for tests that check they survive every trial unchanged. */
  DeviceData deviceData() {
    return data;
  }

  /** Frees the dataset's tensors on the device. */
  @Override
  public void close() {
    data.close();
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final ImageDataset dataset;
    private Hyperparameters hyper = Hyperparameters.defaults();
    private Device device;
    private int threads;
    private int latencyRuns = 20;
    private int throughputBatch = 32;
    private int bootstrapResamples = Bootstrap.DEFAULT_RESAMPLES;

    private Builder(ImageDataset dataset) {
      Preconditions.checkArgument(dataset != null, "dataset must not be null");
      this.dataset = dataset;
    }

    /** All training settings at once; default {@link Hyperparameters#defaults()}. */
    public Builder hyperparameters(Hyperparameters value) {
      Preconditions.checkArgument(value != null, "hyperparameters must not be null");
      this.hyper = value;
      return this;
    }

    /** Upper bound on epochs; default 10. */
    public Builder maxEpochs(int value) {
      this.hyper = hyper.withMaxEpochs(value);
      return this;
    }

    /** Epochs without improvement before stopping; default 3. */
    public Builder patience(int value) {
      this.hyper = hyper.withPatience(value);
      return this;
    }

    /** Training batch size; default 64. */
    public Builder batchSize(int value) {
      this.hyper = hyper.withBatchSize(value);
      return this;
    }

    /** Learning rate; default 1e-3. */
    public Builder learningRate(double value) {
      this.hyper = hyper.withLearningRate(value);
      return this;
    }

    /** Seed of initialization and batch order; default 42. */
    public Builder seed(long value) {
      this.hyper = hyper.withSeed(value);
      return this;
    }

    /** The device; default the engine's default (a GPU when present, else the CPU). */
    public Builder device(Device value) {
      this.device = value;
      return this;
    }

    /** PyTorch intra-op threads; default the engine's choice (0). */
    public Builder threads(int value) {
      Preconditions.checkArgument(value >= 0, "threads must be >= 0, but was %s", value);
      this.threads = value;
      return this;
    }

    /** Timed batch-2 forward passes for the latency median; default 20. */
    public Builder latencyRuns(int value) {
      Preconditions.checkArgument(value > 0, "latencyRuns must be > 0, but was %s", value);
      this.latencyRuns = value;
      return this;
    }

    /** Batch size of the throughput measurement; default 32. */
    public Builder throughputBatch(int value) {
      Preconditions.checkArgument(value > 0, "throughputBatch must be > 0, but was %s", value);
      this.throughputBatch = value;
      return this;
    }

    /** Bootstrap resamples of the test split for the intervals; default 1000. */
    public Builder bootstrapResamples(int value) {
      Preconditions.checkArgument(value > 0, "bootstrapResamples must be > 0, but was %s",
          value);
      this.bootstrapResamples = value;
      return this;
    }

    public DjlEvaluator build() {
      return new DjlEvaluator(this);
    }
  }
}
