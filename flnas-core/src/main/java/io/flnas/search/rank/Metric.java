package io.flnas.search.rank;

import com.google.common.base.Preconditions;
import io.flnas.metrics.Evaluation;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * A figure of a successful evaluation with its direction, for objectives, Pareto fronts, tables and
 * plots: a name, whether higher or lower is better, and how to read it from an {@link Evaluation}.
 * Fairness figures are on the validation split; NaN (not measured) ranks worst.
 *
 * <p>The built-in figures are constants. A figure of your own is either read by a function ({@link
 * #of}) or, when your evaluator adds it as a named value ({@link Evaluation#withExtra}), read from
 * there ({@link #extra}); nothing in the library needs to change. The direction of a named value is
 * known only through a {@code Metric}: objectives and Pareto fronts take the {@code Metric} itself;
 * reports (Table I, the plots) show every extra value present in the evaluations and learn
 * directions from the metrics they are given, showing a value whose direction they were not told
 * without marking which model is better. There is no global registry of metrics.
 *
 * <pre>{@code
 * Metric energy = Metric.extra("energy_mj", Metric.Direction.LOWER_IS_BETTER);
 * Objective objective = Objectives.lexicographic(Metric.ACCURACY, energy);
 * }</pre>
 */
public interface Metric {
  /** Which way is better. */
  enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER
  }

  /** Validation accuracy. */
  Metric ACCURACY = of("accuracy", Direction.HIGHER_IS_BETTER, Evaluation::accuracy);

  /** Validation unfairness. */
  Metric UNFAIRNESS = of("unfairness", Direction.LOWER_IS_BETTER, Evaluation::unfairness);

  /** Validation equalized odds gap. */
  Metric EODD = of("eodd", Direction.LOWER_IS_BETTER, e -> e.validationFairness().eodd());

  /** Validation equal opportunity gap on positives. */
  Metric EOPP1 = of("eopp1", Direction.LOWER_IS_BETTER, e -> e.validationFairness().eopp1());

  /** Validation equal opportunity gap on negatives. */
  Metric EOPP2 = of("eopp2", Direction.LOWER_IS_BETTER, e -> e.validationFairness().eopp2());

  /** Trainable parameters. */
  Metric PARAMETERS = of("parameters", Direction.LOWER_IS_BETTER, e -> e.hardware().parameters());

  /** Analytic multiply-accumulates per image. */
  Metric MACS = of("macs", Direction.LOWER_IS_BETTER, e -> e.hardware().macs());

  /** Measured latency per image, ms. */
  Metric LATENCY = of("latency", Direction.LOWER_IS_BETTER, e -> e.hardware().latencyMs());

  /** Analytic inference memory, MB. */
  Metric MEMORY = of("memory", Direction.LOWER_IS_BETTER, e -> e.hardware().analyticMemoryMb());

  /** The built-in metrics, in this order. */
  static List<Metric> builtIns() {
    return List.of(ACCURACY, UNFAIRNESS, EODD, EOPP1, EOPP2, PARAMETERS, MACS, LATENCY, MEMORY);
  }

  /** Its name, e.g. {@code "accuracy"} or {@code "energy_mj"}. */
  String name();

  Direction direction();

  /** The figure of a successful evaluation; NaN when it was not measured. */
  double value(Evaluation evaluation);

  default boolean higherIsBetter() {
    return direction() == Direction.HIGHER_IS_BETTER;
  }

  /** The value turned so that lower is always better; NaN becomes +infinity. */
  default double cost(Evaluation evaluation) {
    double value = value(evaluation);
    if (Double.isNaN(value)) {
      return Double.POSITIVE_INFINITY;
    }
    return higherIsBetter() ? -value : value;
  }

  /** A metric read by a function. Two metrics are equal when name and direction are. */
  static Metric of(String name, Direction direction, ToDoubleFunction<Evaluation> reader) {
    Preconditions.checkArgument(reader != null, "reader of metric %s must not be null", name);
    return new NamedMetric(name, direction, reader);
  }

  /**
   * A named value an evaluator added to its evaluations ({@link Evaluation#extras()}); NaN where an
   * evaluation lacks it.
   */
  static Metric extra(String name, Direction direction) {
    return of(name, direction, e -> e.extra(name).orElse(Double.NaN));
  }

  /** The metric named {@code name} among {@code metrics}, or else among the built-ins. */
  static Optional<Metric> find(String name, Collection<? extends Metric> metrics) {
    for (Metric m : metrics) {
      if (m.name().equals(name)) {
        return Optional.of(m);
      }
    }
    return builtIns().stream().filter(m -> m.name().equals(name)).findFirst().map(m -> m);
  }
}
