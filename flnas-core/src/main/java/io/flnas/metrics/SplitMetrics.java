package io.flnas.metrics;

/** Mean loss and accuracy on one split. */
public record SplitMetrics(double loss, double accuracy) {
  public static final SplitMetrics UNKNOWN = new SplitMetrics(Double.NaN, Double.NaN);
}
