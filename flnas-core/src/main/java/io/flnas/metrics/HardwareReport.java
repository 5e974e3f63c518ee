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
 * @param peakMemoryMb measured peak memory (GPU where present, else process high-water mark). It
 *     includes the runtime (JVM, CUDA context), so memory budgets and rankings use the analytic
 *     figure, which is the model's own
 * @param device what was measured on, e.g. {@code "cpu(2 threads)"}
 */
public record HardwareReport(long parameters, long macs, double analyticMemoryMb,
    double latencyMs, double throughput, double peakMemoryMb, String device) {

  /** Only the analytic figures. */
  public static HardwareReport analytic(Cost cost) {
    return new HardwareReport(cost.parameters(), cost.macs(), cost.memoryMb(), Double.NaN,
        Double.NaN, Double.NaN, "analytic");
  }
}
