package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessIntervals;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.RungEvaluator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The default evaluator: trains a candidate with DJL on the PyTorch engine and measures it, with
 * one fixed set of {@link Hyperparameters}, early stopping on the validation loss ({@code
 * patience}) and the best epoch's weights restored; a NaN or infinite loss fails the trial. It is
 * a {@link RungEvaluator}: under successive halving it trains a rung's epochs from the weights of
 * the rung before ({@link Checkpoints}). Every native resource of a trial is closed before it
 * returns and freed native memory goes back to the system ({@code malloc_trim}); the dataset's
 * tensors live on the device for the evaluator's lifetime, so close it after the search.
 *
 * <p>Two settings are unavoidably process-wide, because libtorch keeps them per process: the
 * intra-op thread count ({@link Builder#threads}), and the generator that initializes weights,
 * seeded from {@link Hyperparameters#seed()} at the start of each evaluation (so two evaluators
 * training at once in one process would disturb each other: the command line trains one model at
 * a time per process).
 *
 * <p>Each evaluation carries its test predictions, seeded bootstrap 95% intervals ({@link
 * Bootstrap}) and the model's own memory ({@link ModelMemory}).
 *
 * <pre>{@code
 * try (DjlEvaluator evaluator = DjlEvaluator.builder(dataset).maxEpochs(5).build()) {
 *   SearchResult result = Search.builder(dataset.problem(), evaluator).build().run();
 * }
 * }</pre>
 */
public final class DjlEvaluator implements RungEvaluator, AutoCloseable {
  private final ImageDataset dataset;
  private final Hyperparameters hyper;
  private final Device device;
  private final int latencyRuns;
  private final int throughputBatch;
  private final int bootstrapResamples;
  private final DeviceData data;
  private final TrainingLoop loop;
  private final SpeedProbe speed;
  private final boolean resetProcessPeak;

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
    this.loop = new TrainingLoop(data, hyper);
    this.speed = new SpeedProbe(latencyRuns, throughputBatch);
    this.resetProcessPeak = b.resetProcessPeak;
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
    return train(architecture, epochs, null, null);
  }

  /**
   * Trains and measures like {@link #evaluate}, then saves the restored best weights and the
   * architecture JSON into {@code directory} (see {@link ModelExport}).
   */
  public Evaluation evaluateAndExport(Architecture architecture, Path directory) {
    return train(architecture, EpochListener.NONE, directory, null);
  }

  /** One rung of successive halving: {@code rung.epochs()} more, from the rung before. */
  @Override
  public Evaluation evaluate(Architecture architecture, Rung rung, EpochListener epochs) {
    return train(architecture, epochs, null, rung);
  }

  private Evaluation train(Architecture architecture, EpochListener epochs, Path exportTo,
      Rung rung) {
    try {
      return trainAndMeasure(architecture, epochs, exportTo, rung);
    } finally {
      NativeMemory.trim();
    }
  }

  private Evaluation trainAndMeasure(Architecture architecture, EpochListener epochs,
      Path exportTo, Rung rung) {
    int maxEpochs = rung == null ? hyper.maxEpochs() : rung.epochs();
    Cost cost = Cost.of(architecture);
    HardwareReport analytic = HardwareReport.analytic(cost);
    if (resetProcessPeak) {
      Memory.resetPeak();
    }
    long started = System.nanoTime();
    Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed());
    try (Model model = Model.newInstance("candidate", device, "PyTorch")) {
      Block block = ArchitectureBlocks.toBlock(architecture);
      model.setBlock(block);
      DefaultTrainingConfig config = TrainingLoop.config(hyper, device);
      try (Trainer trainer = model.newTrainer(config);
          NDManager snapshots = NDManager.newBaseManager(device)) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(hyper.batchSize(), in.channels(), in.height(), in.width()));
        if (rung != null && rung.from().isPresent()) {
          Checkpoints.load(block, trainer.getManager(), rung.from().get());
        }
        double bestLoss = Double.POSITIVE_INFINITY;
        SplitMetrics bestTrain = SplitMetrics.UNKNOWN;
        List<NDArray> best = null;
        int epochsRun = 0;
        int sinceBest = 0;
        Random order = new Random(hyper.seed() + (rung == null ? 0 : rung.index()));
        for (int epoch = 1; epoch <= maxEpochs; epoch++) {
          SplitMetrics trainMetrics = loop.trainEpoch(trainer, order);
          epochsRun = epoch;
          if (!Double.isFinite(trainMetrics.loss())) {
            return Evaluation.failed("training loss became " + trainMetrics.loss() + " at epoch "
                + epoch, analytic);
          }
          TrainingLoop.Scored validation = loop.score(trainer, data.validation);
          if (!Double.isFinite(validation.metrics().loss())) {
            return Evaluation.failed("validation loss became " + validation.metrics().loss()
                + " at epoch " + epoch, analytic);
          }
          epochs.epochFinished(epoch, maxEpochs, validation.metrics().loss());
          if (validation.metrics().loss() < bestLoss) {
            bestLoss = validation.metrics().loss();
            bestTrain = trainMetrics;
            best = TrainingLoop.snapshot(block, snapshots, best);
            sinceBest = 0;
          } else if (++sinceBest >= hyper.patience()) {
            break;
          }
        }
        TrainingLoop.restore(block, best);
        if (rung != null) {
          Checkpoints.save(block, rung.to());
        }
        double trainingSeconds = (System.nanoTime() - started) / 1e9;
        TrainingLoop.Scored validation = loop.score(trainer, data.validation);
        TrainingLoop.Scored test = loop.score(trainer, data.test);
        int classes = dataset.numClasses();
        FairnessReport validationFairness = validation.fairness(classes, data.validation);
        FairnessReport testFairness = test.fairness(classes, data.test);
        FairnessIntervals testIntervals = Bootstrap.intervals(classes,
            data.test.split.labels(), test.predictions(), data.test.split.groups(),
            bootstrapResamples, hyper.seed());
        double latency = speed.latencyMs(trainer, in);
        double throughput = speed.throughput(trainer, in);
        double modelMemory = ModelMemory.measureMb(trainer, block, in, SpeedProbe.LATENCY_BATCH,
            device);
        if (exportTo != null) {
          ModelExport.save(model, architecture, exportTo);
        }
        HardwareReport hardware = new HardwareReport(cost.parameters(), cost.macs(),
            cost.memoryMb(), latency, throughput, modelMemory, Memory.peakMb(), deviceName());
        return new Evaluation(bestTrain, validation.metrics(), test.metrics(), epochsRun,
            trainingSeconds, validationFairness, testFairness, hardware, Optional.empty(),
            Arrays.stream(test.predictions()).boxed().toList(), Optional.of(testIntervals));
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
    private boolean resetProcessPeak;
    private Precision precision = Precision.FP32;
    private Bf16Support bf16Support = Bf16Support.ofThisMachine();

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

    /**
     * PyTorch intra-op threads; default the engine's choice (0). Unavoidably process-wide:
     * libtorch has one intra-op pool per process, so the evaluator built last with a non-zero
     * value sets it for every evaluator in the process.
     */
    public Builder threads(int value) {
      Preconditions.checkArgument(value >= 0, "threads must be >= 0, but was %s", value);
      this.threads = value;
      return this;
    }

    /**
     * Whether each evaluation first resets the process's resident high-water mark (Linux {@code
     * /proc/self/clear_refs}), so {@code process_peak_mb} is that trial's peak; default false,
     * because the mark belongs to the whole process: the figure is then the process's peak so far.
     * Programs that own their process (the command line, a worker) turn it on.
     */
    public Builder resetProcessPeak(boolean value) {
      this.resetProcessPeak = value;
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

    /**
     * The number format of training and measurement; default {@link Precision#FP32}. {@link
     * Precision#BF16} makes {@link #build()} throw a {@link PrecisionUnavailableException} that
     * says why (the engine cannot express bfloat16 yet) and what this CPU's bfloat16 flags are;
     * see {@link Precision#BF16}.
     */
    public Builder precision(Precision value) {
      Preconditions.checkArgument(value != null, "precision must not be null");
      this.precision = value;
      return this;
    }

    /** The CPU's bfloat16 support; default this machine's. For tests. */
    Builder bf16Support(Bf16Support value) {
      this.bf16Support = value;
      return this;
    }

    public DjlEvaluator build() {
      if (precision == Precision.BF16) {
        throw new PrecisionUnavailableException("precision BF16 is not available: DJL "
            + Engine.getDjlVersion() + "'s PyTorch JNI has no bfloat16 tensor type (a cast to"
            + " BFLOAT16 aborts the JVM), and " + bf16Support.describe() + "; use Precision.FP32");
      }
      return new DjlEvaluator(this);
    }
  }
}
