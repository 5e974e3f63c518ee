package io.flnas.search.rank;

import com.google.common.base.Preconditions;
import io.flnas.metrics.Evaluation;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/** The {@link Metric} of {@link Metric#of}: equal by name and direction. */
final class NamedMetric implements Metric {
  private final String name;
  private final Direction direction;
  private final ToDoubleFunction<Evaluation> reader;

  NamedMetric(String name, Direction direction, ToDoubleFunction<Evaluation> reader) {
    Preconditions.checkArgument(
        name != null && name.matches(Evaluation.EXTRA_NAME),
        "metric name must match %s, but was '%s'",
        Evaluation.EXTRA_NAME,
        name);
    Preconditions.checkArgument(direction != null, "direction of metric %s must not be null", name);
    this.name = name;
    this.direction = direction;
    this.reader = reader;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public double value(Evaluation evaluation) {
    return reader.applyAsDouble(evaluation);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedMetric m && m.name.equals(name) && m.direction == direction;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, direction);
  }

  @Override
  public String toString() {
    return name;
  }
}
