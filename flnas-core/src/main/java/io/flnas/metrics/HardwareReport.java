package io.flnas.metrics;

import io.flnas.arch.Cost;

/**
 * Hardware cost of one model. Analytic figures come from {@link Cost}; measured ones are
 * {@code NaN} when not measured (a cheap evaluator, or a trial rejected before training).
 *
 * @param parameters trainable parameters (batch-norm running statistics excluded)
 * @param macs analytic multiply-accumulates per image
 * @param analyticMemoryMb parameters plus peak live activations at batch size 2, MiB
 * @param latencyMs measured latency per image at batch size 2 (median after warm-up)
 * @param throughput measured images per second at a larger batch
 * @param modelMemoryMb measured memory needed to run this model for inference at batch size 2:
 *     its parameter and buffer arrays plus what one forward pass allocates (measured by the
 *     evaluator, e.g. as the growth of the native heap across the pass); {@code NaN} where it
 *     cannot be isolated from the process (then the analytic figure stands, and says so)
 * @param processPeakMb the process's resident high-water mark during the evaluation (JVM,
 *     dataset, allocator caches included). Kept for the journal only: it is not the model's
 *     memory and never reaches a prompt, a table or a plot
 * @param device what was measured on, e.g. {@code "cpu(2 threads)"}
 */
public record HardwareReport(long parameters, long macs, double analyticMemoryMb,
    double latencyMs, double throughput, double modelMemoryMb, double processPeakMb,
    String device) {

  /** Only the analytic figures. */
  public static HardwareReport analytic(Cost cost) {
    return new HardwareReport(cost.parameters(), cost.macs(), cost.memoryMb(), Double.NaN,
        Double.NaN, Double.NaN, Double.NaN, "analytic");
  }

  /** The model's memory: measured where it was, else the analytic figure. */
  public double memoryMb() {
    return Double.isNaN(modelMemoryMb) ? analyticMemoryMb : modelMemoryMb;
  }
}
