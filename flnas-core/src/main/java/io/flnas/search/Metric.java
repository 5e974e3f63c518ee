package io.flnas.search;

import io.flnas.metrics.Evaluation;
import java.util.function.ToDoubleFunction;

/**
 * A figure of a successful evaluation with its direction, for objectives and Pareto fronts.
 * Fairness figures are on the validation split; NaN (not measured) ranks worst.
 */
public enum Metric {
  ACCURACY(true, Evaluation::accuracy),
  UNFAIRNESS(false, Evaluation::unfairness),
  EODD(false, e -> e.validationFairness().eodd()),
  EOPP1(false, e -> e.validationFairness().eopp1()),
  EOPP2(false, e -> e.validationFairness().eopp2()),
  PARAMETERS(false, e -> e.hardware().parameters()),
  LATENCY(false, e -> e.hardware().latencyMs()),
  MEMORY(false, e -> e.hardware().analyticMemoryMb());

  private final boolean higherIsBetter;
  private final ToDoubleFunction<Evaluation> extractor;

  Metric(boolean higherIsBetter, ToDoubleFunction<Evaluation> extractor) {
    this.higherIsBetter = higherIsBetter;
    this.extractor = extractor;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  public double value(Evaluation evaluation) {
    return extractor.applyAsDouble(evaluation);
  }

  /** The value turned so that lower is always better; NaN becomes +infinity. */
  public double cost(Evaluation evaluation) {
    double value = value(evaluation);
    if (Double.isNaN(value)) {
      return Double.POSITIVE_INFINITY;
    }
    return higherIsBetter ? -value : value;
  }
}
