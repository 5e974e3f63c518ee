package io.flnas.djl.train;

import io.flnas.arch.Architecture;
import io.flnas.arch.Shapes;

/**
 * The memory one training step of an architecture needs beyond what the process already holds, from
 * the analytic figures alone: 4-byte parameters four times over (weights, gradients, Adam's two
 * moments), every layer's output at the training batch size three times over (the activation kept
 * for the backward pass, its gradient, and the engine's workspace for one layer), and {@value
 * #ENGINE_MB} MiB for the engine's code and kernels that the first training step brings in.
 * Calibrated on the default data (16x16, batch 64) against sampled peaks: ResNet-18 791 MB measured
 * against 948 estimated, ResNet-34 1,221 against 1,345, MobileNetV2 1,877 against 2,860 (its
 * depthwise blocks keep fewer outputs than the estimate assumes).
 */
record TrainingFootprint(long parameters, long activations, int batchSize) {
  static final int ENGINE_MB = 256;

  static TrainingFootprint of(Architecture architecture, int batchSize) {
    Shapes.Report report = Shapes.infer(architecture);
    return new TrainingFootprint(report.parameters(), report.totalActivations(), batchSize);
  }

  double megabytes() {
    return ENGINE_MB + 4.0 * (4.0 * parameters + 3.0 * activations * batchSize) / (1024 * 1024);
  }

  /** The activations one sample keeps for the backward pass, MiB (4-byte floats). */
  double activationMbPerSample() {
    return 4.0 * activations / (1024 * 1024);
  }

  /**
   * The micro-batch that keeps one training step's activations within {@code budgetMb}: the batch
   * halved until its activations fit (at least 2 samples, which batch norm needs); the whole batch
   * when it fits.
   */
  int microBatch(double budgetMb) {
    int micro = batchSize;
    while (micro > 2 && micro * activationMbPerSample() > budgetMb) {
      micro = (micro + 1) / 2;
    }
    return micro;
  }

  /** The same footprint at another batch size. */
  TrainingFootprint atBatch(int value) {
    return new TrainingFootprint(parameters, activations, value);
  }
}
