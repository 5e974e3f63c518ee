package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.common.base.Preconditions;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.model.Bfloat16;
import io.flnas.djl.model.MemoryFormat;
import io.flnas.metrics.Bootstrap;
import java.util.Optional;

/** Settings of a {@link DjlEvaluator}; each validated where it enters. */
public final class DjlEvaluatorBuilder {
  final ImageDataset dataset;
  Hyperparameters hyper = Hyperparameters.defaults();
  Device device;
  int threads;
  int latencyRuns = 20;
  int throughputBatch = 32;
  int bootstrapResamples = Bootstrap.DEFAULT_RESAMPLES;
  Precision precision = Precision.FP32;
  MemoryFormat memoryFormat;
  boolean reuseFreedMemory = true;
  double reuseFreedMemoryBelowMb = DEFAULT_REUSE_BELOW_MB;
  double returnFreedMemoryEagerlyAboveMb = DEFAULT_RETURN_EAGERLY_ABOVE_MB;

  /** Default of {@link #reuseFreedMemoryBelowMb}, MiB. */
  public static final double DEFAULT_REUSE_BELOW_MB = 1024;

  /** Default of {@link #returnFreedMemoryEagerlyAboveMb}, MiB. */
  public static final double DEFAULT_RETURN_EAGERLY_ABOVE_MB = 1400;

  Boolean oneDnn;
  Bf16Support bf16Support = Bf16Support.ofThisMachine();
  double activationBudgetMb = DEFAULT_ACTIVATION_BUDGET_MB;

  /** The default activation budget, MiB: see {@link #activationBudgetMb}. */
  public static final double DEFAULT_ACTIVATION_BUDGET_MB = 256;

  DjlEvaluatorBuilder(ImageDataset dataset) {
    Preconditions.checkArgument(dataset != null, "dataset must not be null");
    this.dataset = dataset;
  }

  /** All training settings at once; default {@link Hyperparameters#defaults()}. */
  public DjlEvaluatorBuilder hyperparameters(Hyperparameters value) {
    Preconditions.checkArgument(value != null, "hyperparameters must not be null");
    this.hyper = value;
    return this;
  }

  /** Upper bound on epochs; default 10. */
  public DjlEvaluatorBuilder maxEpochs(int value) {
    this.hyper = hyper.withMaxEpochs(value);
    return this;
  }

  /** Epochs without improvement before stopping; default 3. */
  public DjlEvaluatorBuilder patience(int value) {
    this.hyper = hyper.withPatience(value);
    return this;
  }

  /**
   * The memory one training step's kept activations may take, MiB, from the analytic figures
   * ({@code Shapes}: every layer's output, 4 bytes a value, times the samples of the pass); default
   * {@value #DEFAULT_ACTIVATION_BUDGET_MB}. A batch over the budget trains in micro-batches whose
   * gradients add up to the batch's one step (batch normalization then normalizes over each
   * micro-batch); {@code Double.POSITIVE_INFINITY} never splits a batch. This is what bounds the
   * training memory of activation-heavy models such as MobileNetV2 on small images, whose batch of
   * 64 keeps about 800 MB of outputs for the backward pass.
   */
  public DjlEvaluatorBuilder activationBudgetMb(double value) {
    Preconditions.checkArgument(value > 0, "activationBudgetMb must be > 0, but was %s", value);
    this.activationBudgetMb = value;
    return this;
  }

  /** Training batch size; default 64. */
  public DjlEvaluatorBuilder batchSize(int value) {
    this.hyper = hyper.withBatchSize(value);
    return this;
  }

  /** Learning rate; default 1e-3. */
  public DjlEvaluatorBuilder learningRate(double value) {
    this.hyper = hyper.withLearningRate(value);
    return this;
  }

  /** Seed of initialization and batch order; default 42. */
  public DjlEvaluatorBuilder seed(long value) {
    this.hyper = hyper.withSeed(value);
    return this;
  }

  /** The device; default the engine's default (a GPU when present, else the CPU). */
  public DjlEvaluatorBuilder device(Device value) {
    this.device = value;
    return this;
  }

  /**
   * PyTorch intra-op threads; default the engine's choice (0). Unavoidably process-wide: libtorch
   * has one intra-op pool per process, so the evaluator built last with a non-zero value sets it
   * for every evaluator in the process.
   */
  public DjlEvaluatorBuilder threads(int value) {
    Preconditions.checkArgument(value >= 0, "threads must be >= 0, but was %s", value);
    this.threads = value;
    return this;
  }

  /** Timed batch-2 forward passes for the latency median; default 20. */
  public DjlEvaluatorBuilder latencyRuns(int value) {
    Preconditions.checkArgument(value > 0, "latencyRuns must be > 0, but was %s", value);
    this.latencyRuns = value;
    return this;
  }

  /** Batch size of the throughput measurement; default 32. */
  public DjlEvaluatorBuilder throughputBatch(int value) {
    Preconditions.checkArgument(value > 0, "throughputBatch must be > 0, but was %s", value);
    this.throughputBatch = value;
    return this;
  }

  /** Bootstrap resamples of the test split for the intervals; default 1000. */
  public DjlEvaluatorBuilder bootstrapResamples(int value) {
    Preconditions.checkArgument(value > 0, "bootstrapResamples must be > 0, but was %s", value);
    this.bootstrapResamples = value;
    return this;
  }

  /**
   * The number format of training and measurement; default {@link Precision#FP32}. With {@link
   * Precision#BF16} convolutions compute in bfloat16 on the CPU's bfloat16 units, and {@link
   * #build()} throws a {@link PrecisionUnavailableException} saying why where it cannot (no such
   * units, another libtorch) or must not (a GPU, where an error in the cast would abort the JVM);
   * see {@link Precision#BF16}.
   */
  public DjlEvaluatorBuilder precision(Precision value) {
    Preconditions.checkArgument(value != null, "precision must not be null");
    this.precision = value;
    return this;
  }

  /**
   * The memory order of training and validation batches; default {@link MemoryFormat#CHANNELS_LAST}
   * on the CPU, where it is faster, and {@link MemoryFormat#CHANNELS_FIRST} on a GPU, where fp32
   * convolutions gain little from it. Results differ between the two only by the order of
   * floating-point sums; each is deterministic.
   */
  public DjlEvaluatorBuilder memoryFormat(MemoryFormat value) {
    Preconditions.checkArgument(value != null, "memoryFormat must not be null");
    this.memoryFormat = value;
    return this;
  }

  /**
   * Whether the evaluator may tell glibc to keep freed native memory for reuse within a trial
   * (trials expected up to {@link #reuseFreedMemoryBelowMb}); default true. With false every trial
   * gives it back as it goes ({@link #returnFreedMemoryEagerlyAboveMb} says how eagerly). It is
   * given back after every epoch and trial either way. Process-wide; see {@code
   * NativeMemory.reuseFreedMemory} for what it buys (the kernel's page-fault time, a third of the
   * CPU time on the 64x64 small CNN) and costs (the native heap keeps a trial's largest working set
   * until the trial ends).
   */
  public DjlEvaluatorBuilder reuseFreedMemory(boolean value) {
    this.reuseFreedMemory = value;
    return this;
  }

  /**
   * The expected process peak ({@link DjlEvaluator#expectedPeakMb}) up to which a trial keeps freed
   * native memory for reuse, MiB; default {@value #DEFAULT_REUSE_BELOW_MB}. A trial expected above
   * it gives freed memory back as it goes, which keeps its resident set nearer what is alive
   * (ResNet-18 on the default data: 754 MB instead of 988) for about a quarter more time (79 s
   * instead of 63 for four epochs); one below it keeps the speed, and its growth is small in
   * absolute terms. {@code Double.POSITIVE_INFINITY} keeps freed memory in every trial, as before;
   * {@code 0} in none.
   */
  public DjlEvaluatorBuilder reuseFreedMemoryBelowMb(double value) {
    Preconditions.checkArgument(
        value >= 0 && !Double.isNaN(value),
        "reuseFreedMemoryBelowMb must be >= 0, but was %s",
        value);
    this.reuseFreedMemoryBelowMb = value;
    return this;
  }

  /**
   * The expected process peak ({@link DjlEvaluator#expectedPeakMb}) above which a trial gives freed
   * native memory back eagerly, MiB; default {@value #DEFAULT_RETURN_EAGERLY_ABOVE_MB}. Between
   * {@link #reuseFreedMemoryBelowMb} and this, blocks of 32 MiB and more are unmapped when freed
   * and the free top of a heap beyond 64 MiB is given back, which holds a trial near its expected
   * peak at little cost in speed; above this, every block from 1 MiB on is, which holds it below
   * its expected peak but faults each step's activations in anew (ResNet-34 in the README's Maven
   * JVM, whose own floor is about 600 MB: 1,377 MB against 1,654 MB, for about three times the
   * training time). The default keeps the default run under 1.5 GB. {@code
   * Double.POSITIVE_INFINITY} never does.
   */
  public DjlEvaluatorBuilder returnFreedMemoryEagerlyAboveMb(double value) {
    Preconditions.checkArgument(
        value >= 0 && !Double.isNaN(value),
        "returnFreedMemoryEagerlyAboveMb must be >= 0, but was %s",
        value);
    this.returnFreedMemoryEagerlyAboveMb = value;
    return this;
  }

  /**
   * Whether libtorch computes with oneDNN kernels during this evaluator's trials; default off for
   * {@link Precision#FP32} (its kernels made training nondeterministic, up to NaN losses and a
   * SIGFPE, on AVX-512 CPUs: see {@link OneDnn}) and on for {@link Precision#BF16}, whose bfloat16
   * convolutions only oneDNN computes fast. Process-wide in libtorch, so the evaluator sets it at
   * the start of every trial, as it seeds the generator.
   */
  public DjlEvaluatorBuilder oneDnn(boolean value) {
    this.oneDnn = value;
    return this;
  }

  /** The CPU's bfloat16 support; default this machine's. For tests. */
  DjlEvaluatorBuilder bf16Support(Bf16Support value) {
    this.bf16Support = value;
    return this;
  }

  public DjlEvaluator build() {
    if (precision == Precision.BF16) {
      Optional<String> engineGap = Bfloat16.unavailableBecause();
      if (engineGap.isPresent()) {
        throw new PrecisionUnavailableException(
            "precision BF16 is not available: " + engineGap.get() + "; use Precision.FP32");
      }
      Device target = device != null ? device : Engine.getEngine("PyTorch").defaultDevice();
      Optional<String> refused = Bfloat16.refusedOn(target);
      if (refused.isPresent()) {
        throw new PrecisionUnavailableException(
            "precision BF16 is not available: " + refused.get() + "; use Precision.FP32");
      }
      if (!bf16Support.available()) {
        throw new PrecisionUnavailableException(
            "precision BF16 is not available: "
                + bf16Support.describe()
                + ", so libtorch would emulate bfloat16 in fp32, slower"
                + " than Precision.FP32; use Precision.FP32");
      }
    }
    return new DjlEvaluator(this);
  }
}
