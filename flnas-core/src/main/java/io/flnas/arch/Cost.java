package io.flnas.arch;

import com.google.common.base.Preconditions;
import io.flnas.InvalidArchitectureException;

/**
 * Analytic hardware cost, computed without running anything.
 *
 * <ul>
 *   <li>{@code parameters}: trainable parameters (weights, biases, normalization scale and shift;
 *       batch-norm running statistics excluded), equal to PyTorch's and DJL's counts.
 *   <li>{@code macs}: multiply-accumulates of convolutions and linear layers for one sample
 *       (normalization, activation and pooling are not counted); FLOPs are {@code 2 x macs}.
 *   <li>{@code memoryMb}: inference memory at {@code batchSize}: every parameter and buffer plus
 *       the peak of live activations (a layer's input and output; a residual block's input while
 *       its body runs), 4-byte floats, in MiB.
 * </ul>
 */
public record Cost(long parameters, long macs, double memoryMb, int batchSize) {

  /** Cost at the paper's latency batch size of 2. */
  public static Cost of(Architecture architecture) {
    return of(architecture, 2);
  }

  /**
   * Cost with the memory figure taken at {@code batchSize}.
   *
   * @throws InvalidArchitectureException when the shapes do not propagate
   */
  public static Cost of(Architecture architecture, int batchSize) {
    Preconditions.checkArgument(batchSize > 0, "batchSize must be > 0, but was %s", batchSize);
    Shapes.Report report = Shapes.infer(architecture);
    if (!report.valid()) {
      throw new InvalidArchitectureException(report.violations());
    }
    double bytes =
        4.0 * (report.parameters() + report.buffers() + report.peakActivations() * batchSize);
    return new Cost(report.parameters(), report.macs(), bytes / (1024 * 1024), batchSize);
  }

  public long flops() {
    return 2 * macs;
  }
}
