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
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.djl.model.MemoryFormat;
import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessIntervals;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.promote.RungEvaluator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The default evaluator: trains a candidate with DJL on the PyTorch engine and measures it, with
 * one fixed set of {@link Hyperparameters}, early stopping on the validation loss ({@code
 * patience}) and the best epoch's weights restored; a NaN or infinite loss fails the trial. It is a
 * {@link RungEvaluator}: under successive halving it trains a rung's epochs from the weights of the
 * rung before ({@link Checkpoints}). Every native resource of a trial is closed before it returns
 * and freed native memory goes back to the system ({@code malloc_trim}); the dataset's tensors live
 * on the device for the evaluator's lifetime, so close it after the search.
 *
 * <p>Two settings are unavoidably process-wide, because libtorch keeps them per process: the
 * intra-op thread count ({@link DjlEvaluatorBuilder#threads}), and the generator that initializes
 * weights, seeded from {@link Hyperparameters#seed()} at the start of each evaluation (so two
 * evaluators training at once in one process would disturb each other: the command line trains one
 * model at a time per process).
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
  /** Whether the one warning that oneDNN could not be switched was given. */
  private static final AtomicBoolean ONE_DNN_WARNED = new AtomicBoolean();

  /** The model any DJL evaluator of this process is training, under the one key. */
  private static final ConcurrentHashMap<Boolean, String> TRAINING = new ConcurrentHashMap<>();

  /** Set when the process exits: training holds at its next batch instead of calling libtorch. */
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  /** Whether the training thread holds at a batch boundary for the process's exit. */
  private static final AtomicBoolean HELD = new AtomicBoolean();

  /**
   * Holds this process's training for its exit, and waits up to {@code wait} until the training
   * thread is out of libtorch; for a shutdown hook (Ctrl-C, a supervisor's stop). The trial in
   * training finishes the batch it is in and then waits for the process to end, so nothing of it is
   * recorded and a resumed run trains it again. Returns whether no thread was left in libtorch.
   *
   * <p>Why: a JVM that exits while a thread computes in libtorch runs the C++ library's static
   * destructors under it, and that thread's next call into libtorch's accelerator hooks jumps to
   * address 0 (SIGSEGV in {@code at::accelerator::getAccelerator}, a fatal-error report on the
   * console and an {@code hs_err} file) — what Ctrl-C during a trial did, in four crash reports.
   */
  public static boolean holdTrainingForExit(java.time.Duration wait) {
    EXITING.set(true);
    long deadline = System.nanoTime() + wait.toNanos();
    while (!TRAINING.isEmpty() && !HELD.get()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Where training may pause between batches: waits for the process's exit once it began. */
  static void holdIfExiting() {
    if (!EXITING.get()) {
      return;
    }
    HELD.set(true);
    while (true) {
      java.util.concurrent.locks.LockSupport.park();
    }
  }

  /** How often a trial samples the process's resident set for {@code process_peak_mb}. */
  private static final java.time.Duration RESIDENT_PERIOD = java.time.Duration.ofMillis(100);

  private final ImageDataset dataset;
  private final Hyperparameters hyper;
  private final Device device;
  private final int latencyRuns;
  private final int throughputBatch;
  private final int bootstrapResamples;
  private final DeviceData data;
  private final TrainingLoop loop;
  private final SpeedProbe speed;
  private final Precision precision;
  private final boolean oneDnn;
  private final double activationBudgetMb;

  /** The expected process peak up to which a trial keeps freed native memory, MiB. */
  private final double reuseFreedMemoryBelowMb;

  /** The expected process peak above which a trial gives freed native memory back eagerly, MiB. */
  private final double returnEagerlyAboveMb;

  DjlEvaluator(DjlEvaluatorBuilder b) {
    this.activationBudgetMb = b.activationBudgetMb;
    this.dataset = b.dataset;
    this.hyper = b.hyper;
    this.latencyRuns = b.latencyRuns;
    this.throughputBatch = b.throughputBatch;
    this.bootstrapResamples = b.bootstrapResamples;
    Engine engine = Engine.getEngine("PyTorch");
    this.oneDnn = b.oneDnn != null ? b.oneDnn : b.precision == Precision.BF16;
    useOneDnn();
    if (b.threads > 0) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(b.threads);
    }
    this.device = b.device != null ? b.device : engine.defaultDevice();
    this.reuseFreedMemoryBelowMb = b.reuseFreedMemory ? b.reuseFreedMemoryBelowMb : 0;
    this.returnEagerlyAboveMb = b.returnFreedMemoryEagerlyAboveMb;
    this.data = new DeviceData(dataset, device);
    MemoryFormat format =
        b.memoryFormat != null
            ? b.memoryFormat
            : device.isGpu() ? MemoryFormat.CHANNELS_FIRST : MemoryFormat.CHANNELS_LAST;
    this.loop = new TrainingLoop(data, hyper, format);
    this.speed = new SpeedProbe(latencyRuns, throughputBatch);
    this.precision = b.precision;
  }

  /** Sets libtorch's process-wide oneDNN flag to this evaluator's; warns once when it cannot. */
  private void useOneDnn() {
    Optional<String> failed = OneDnn.setEnabled(oneDnn);
    if (failed.isPresent() && ONE_DNN_WARNED.compareAndSet(false, true)) {
      LoggerFactory.getLogger(DjlEvaluator.class)
          .warn(
              "cannot turn oneDNN {}: {}; training" + " may not repeat exactly",
              oneDnn ? "on" : "off",
              failed.get());
    }
  }

  /** Whether this evaluator's trials compute with oneDNN kernels ({@link OneDnn}). */
  public boolean oneDnn() {
    return oneDnn;
  }

  /**
   * What the whole process is expected to hold at most while this evaluator trains {@code
   * architecture}, in MiB: the resident set now plus the training working set that follows from the
   * analytic figures ({@link TrainingFootprint}). The sampled {@code process_peak_mb} of the trial
   * is compared with it by the tests.
   */
  public double expectedPeakMb(Architecture architecture) {
    return ResidentSampler.residentMb()
        + TrainingFootprint.of(architecture, microBatch(architecture)).megabytes();
  }

  /**
   * The samples one forward and backward pass of this architecture takes at a time: the training
   * batch, or a micro-batch of it when the batch's analytic activations exceed the {@linkplain
   * DjlEvaluatorBuilder#activationBudgetMb activation budget}.
   */
  public int microBatch(Architecture architecture) {
    return TrainingFootprint.of(architecture, hyper.batchSize()).microBatch(activationBudgetMb);
  }

  public static DjlEvaluatorBuilder builder(ImageDataset dataset) {
    return new DjlEvaluatorBuilder(dataset);
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
    return "djl("
        + dataset.name()
        + " "
        + dataset.size()
        + " images "
        + dataset.input()
        + ", "
        + hyper
        + (loop.format() == MemoryFormat.CHANNELS_LAST ? ", channels-last" : "")
        + (precision == Precision.BF16 ? ", bf16" : "")
        + ")";
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

  /** One: libtorch's thread count and weight generator are per process (see above). */
  @Override
  public int concurrency() {
    return 1;
  }

  private Evaluation train(
      Architecture architecture, EpochListener epochs, Path exportTo, Rung rung) {
    String other = TRAINING.putIfAbsent(Boolean.TRUE, architecture.name());
    if (other != null) {
      throw new IllegalStateException(
          "a DJL evaluator trains one model at a time in a process,"
              + " and "
              + other
              + " is training: libtorch's threads and weight generator are per"
              + " process; run trials in parallel on workers (flnas worker, --workers)");
    }
    // freed native memory kept for reuse (fast), given back as it goes (bounded), or given back
    // eagerly (tightest, slowest), per trial, by the process peak it is expected to reach
    NativeMemory.Tier.of(
            expectedPeakMb(architecture), reuseFreedMemoryBelowMb, returnEagerlyAboveMb)
        .apply();
    try (ResidentSampler resident = ResidentSampler.start(RESIDENT_PERIOD)) {
      return trainAndMeasure(architecture, epochs, exportTo, rung, resident);
    } finally {
      TRAINING.remove(Boolean.TRUE);
      NativeMemory.trim();
    }
  }

  private Evaluation trainAndMeasure(
      Architecture architecture,
      EpochListener epochs,
      Path exportTo,
      Rung rung,
      ResidentSampler resident) {
    int maxEpochs = rung == null ? hyper.maxEpochs() : rung.epochs();
    Cost cost = Cost.of(architecture);
    HardwareReport analytic = HardwareReport.analytic(cost);
    long started = System.nanoTime();
    useOneDnn();
    Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed());
    try (Model model = Model.newInstance("candidate", device, "PyTorch")) {
      Block block = ArchitectureBlocks.toBlock(architecture, precision);
      model.setBlock(block);
      Checkpoints.Progress before =
          rung != null && rung.from().isPresent()
              ? Checkpoints.progress(rung.from().get())
              : Checkpoints.Progress.START;
      DefaultTrainingConfig config = TrainingLoop.config(hyper, device, before.steps());
      try (Trainer trainer = model.newTrainer(config);
          NDManager snapshots = NDManager.newBaseManager(device)) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(hyper.batchSize(), in.channels(), in.height(), in.width()));
        double bestLoss = before.bestLoss();
        SplitMetrics bestTrain = before.bestTrain();
        List<NDArray> best = null;
        if (rung != null && rung.from().isPresent()) {
          best =
              Checkpoints.load(
                  block, config.getOptimizer(), trainer.getManager(), snapshots, rung.from().get());
        }
        int epochsRun = 0;
        int sinceBest = before.sinceBest();
        int micro = microBatch(architecture);
        // A continued trial draws the batch orders uninterrupted training would have drawn.
        Random order = new Random(hyper.seed());
        loop.skipEpochs(order, before.epochs());
        // A trial that stopped early in an earlier rung stays stopped, as it would have.
        for (int epoch = 1; epoch <= maxEpochs && sinceBest < hyper.patience(); epoch++) {
          // Dropout's masks come from the engine's generator: seeded per epoch of the trial, so
          // that a continued rung draws the masks uninterrupted training would have drawn.
          Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed() + before.epochs() + epoch);
          SplitMetrics trainMetrics = loop.trainEpoch(trainer, order, micro);
          epochsRun = epoch;
          if (!Double.isFinite(trainMetrics.loss())) {
            return Evaluation.failed(
                "training loss became " + trainMetrics.loss() + " at epoch " + epoch, analytic);
          }
          TrainingLoop.Scored validation = loop.score(trainer, data.validation);
          if (!Double.isFinite(validation.metrics().loss())) {
            return Evaluation.failed(
                "validation loss became " + validation.metrics().loss() + " at epoch " + epoch,
                analytic);
          }
          epochs.epochFinished(epoch, maxEpochs, validation.metrics().loss());
          if (validation.metrics().loss() < bestLoss) {
            bestLoss = validation.metrics().loss();
            bestTrain = trainMetrics;
            best = TrainingLoop.snapshot(block, snapshots, best);
            sinceBest = 0;
          } else {
            sinceBest++;
          }
          // Freed native memory back to the system at every epoch's end, not only the trial's:
          // the validation pass and the best-weights copy allocate other sizes than a training
          // step, and the long-lived copies land amid freed activations, so glibc's heaps keep
          // holes that the next epoch cannot fill and the resident set grows epoch after epoch
          // (ResNet-34 on the default data: 1.2 GB after one epoch, 1.7 GB after four). A trim
          // costs milliseconds and one round of page faults per epoch, not per step.
          NativeMemory.trim();
        }
        if (rung != null) {
          // the last weights and Adam's state, for the next rung to continue from
          Checkpoints.save(
              block,
              config.getOptimizer(),
              new Checkpoints.Progress(
                  before.epochs() + epochsRun, 0, bestLoss, bestTrain, sinceBest),
              rung.to());
        }
        TrainingLoop.restore(block, best);
        if (rung != null) {
          Checkpoints.saveWeights(block, rung.to());
        }
        double trainingSeconds = (System.nanoTime() - started) / 1e9;
        TrainingLoop.Scored validation = loop.score(trainer, data.validation);
        TrainingLoop.Scored test = loop.score(trainer, data.test);
        int classes = dataset.numClasses();
        FairnessReport validationFairness = validation.fairness(classes, data.validation);
        FairnessReport testFairness = test.fairness(classes, data.test);
        FairnessIntervals testIntervals =
            Bootstrap.intervals(
                classes,
                data.test.split.labels(),
                test.predictions(),
                data.test.split.groups(),
                bootstrapResamples,
                hyper.seed());
        double latency = speed.latencyMs(trainer, in);
        double throughput = speed.throughput(trainer, in);
        double modelMemory =
            ModelMemory.measureMb(trainer, block, in, SpeedProbe.LATENCY_BATCH, device);
        if (exportTo != null) {
          ModelExport.save(model, architecture, exportTo);
        }
        HardwareReport hardware =
            new HardwareReport(
                cost.parameters(),
                cost.macs(),
                cost.memoryMb(),
                latency,
                throughput,
                modelMemory,
                resident.peakMb(),
                deviceName());
        return new Evaluation(
            bestTrain,
            validation.metrics(),
            test.metrics(),
            epochsRun,
            trainingSeconds,
            validationFairness,
            testFairness,
            hardware,
            Optional.empty(),
            Arrays.stream(test.predictions()).boxed().toList(),
            Optional.of(testIntervals));
      }
    }
  }

  /**
   * The engine and the native library it loaded, e.g. {@code PyTorch 2.7.1 (libtorch in
   * ~/.djl.ai/pytorch/2.7.1-...-cpu-linux-x86_64)}: tells a CPU build from a CUDA one.
   */
  public static String engineDescription() {
    Engine.getEngine("PyTorch");
    return "PyTorch "
        + ai.djl.pytorch.jni.LibUtils.getVersion()
        + " (libtorch in "
        + ai.djl.pytorch.jni.LibUtils.getLibtorchPath()
        + ")";
  }

  /** What trials run on: {@code cpu(2 threads)}, or the GPU, e.g. {@code gpu(0)}. */
  public String deviceName() {
    return device.isGpu()
        ? device.toString()
        : "cpu(" + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " threads)";
  }

  /** The number format candidates are trained and measured in. */
  public Precision precision() {
    return precision;
  }

  /** The memory order training batches enter the network in. */
  public MemoryFormat memoryFormat() {
    return loop.format();
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
}
