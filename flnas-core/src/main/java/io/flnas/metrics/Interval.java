package io.flnas.metrics;

import com.google.common.base.Preconditions;

/**
 * A closed interval {@code [lower, upper]}, here a bootstrap confidence interval of one figure or
 * of the difference between two models' figures.
 */
public record Interval(double lower, double upper) {
  public Interval {
    Preconditions.checkArgument(!(lower > upper), "lower (%s) must be <= upper (%s)", lower, upper);
  }

  /** Whether zero lies outside the interval: for a difference, a significant one. */
  public boolean excludesZero() {
    return lower > 0 || upper < 0;
  }

  public boolean contains(double value) {
    return value >= lower && value <= upper;
  }
}
