package io.flnas.metrics;

import io.flnas.arch.Cost;

/**
 * Hardware cost of one model. Analytic figures come from {@link Cost}; measured ones are {@code
 * NaN} when not measured (a cheap evaluator, or a trial rejected before training).
 *
 * @param parameters trainable parameters (batch-norm running statistics excluded)
 * @param macs analytic multiply-accumulates per image
 * @param analyticMemoryMb parameters plus peak live activations at batch size 2, MiB
 * @param latencyMs measured latency per image at batch size 2 (median after warm-up)
 * @param throughput measured images per second at a larger batch
 * @param modelMemoryMb measured memory needed to run this model for inference at batch size 2: its
 *     parameter and buffer arrays plus what one forward pass allocates (measured by the evaluator,
 *     e.g. as the growth of the native heap across the pass); {@code NaN} where it cannot be
 *     isolated from the process (then the analytic figure stands, and says so)
 * @param processPeakMb the process's resident high-water mark during the evaluation (JVM, dataset,
 *     allocator caches included). Kept for the journal only: it is not the model's memory and never
 *     reaches a prompt, a table or a plot
 * @param device what was measured on, e.g. {@code "cpu(2 threads)"}
 */
public record HardwareReport(
    long parameters,
    long macs,
    double analyticMemoryMb,
    double latencyMs,
    double throughput,
    double modelMemoryMb,
    double processPeakMb,
    String device) {

  /** Only the analytic figures. */
  public static HardwareReport analytic(Cost cost) {
    return new HardwareReport(
        cost.parameters(),
        cost.macs(),
        cost.memoryMb(),
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        "analytic");
  }

  /**
   * A copy with a measured latency per image, ms. With {@link #analytic} and the other {@code with}
   * methods, the way to build a report that keeps compiling when a figure is added.
   *
   * <pre>{@code
   * HardwareReport report = HardwareReport.analytic(Cost.of(architecture))
   *     .withLatencyMs(0.8).withDevice("jetson-nano");
   * }</pre>
   */
  public HardwareReport withLatencyMs(double value) {
    return new HardwareReport(
        parameters,
        macs,
        analyticMemoryMb,
        value,
        throughput,
        modelMemoryMb,
        processPeakMb,
        device);
  }

  /** A copy with a measured throughput, images per second. */
  public HardwareReport withThroughput(double value) {
    return new HardwareReport(
        parameters, macs, analyticMemoryMb, latencyMs, value, modelMemoryMb, processPeakMb, device);
  }

  /** A copy with the model's measured memory, MB. */
  public HardwareReport withModelMemoryMb(double value) {
    return new HardwareReport(
        parameters, macs, analyticMemoryMb, latencyMs, throughput, value, processPeakMb, device);
  }

  /** A copy with the process's resident peak during the evaluation, MB (journal only). */
  public HardwareReport withProcessPeakMb(double value) {
    return new HardwareReport(
        parameters, macs, analyticMemoryMb, latencyMs, throughput, modelMemoryMb, value, device);
  }

  /** A copy measured on {@code value}, e.g. {@code "cpu(2 threads)"}. */
  public HardwareReport withDevice(String value) {
    return new HardwareReport(
        parameters,
        macs,
        analyticMemoryMb,
        latencyMs,
        throughput,
        modelMemoryMb,
        processPeakMb,
        value);
  }

  /** The model's memory: measured where it was, else the analytic figure. */
  public double memoryMb() {
    return memoryMeasured() ? modelMemoryMb : analyticMemoryMb;
  }

  /**
   * Whether the model's memory was measured; where not, {@link #memoryMb()} is the analytic figure,
   * and the prompt and Table I label it "analytic".
   */
  public boolean memoryMeasured() {
    return !Double.isNaN(modelMemoryMb);
  }
}
