package io.flnas.metrics;

import com.google.common.base.Preconditions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bootstrap confidence intervals of the five test-split figures of Table I, or of their differences
 * between two models (see {@link Bootstrap}).
 *
 * @param level the coverage, e.g. 0.95
 * @param resamples how many bootstrap resamples they come from
 */
public record FairnessIntervals(
    double level,
    int resamples,
    Interval accuracy,
    Interval unfairness,
    Interval eodd,
    Interval eopp1,
    Interval eopp2) {

  /** The figure names, in Table I's order. */
  public static final java.util.List<String> FIGURES =
      java.util.List.of("accuracy", "unfairness", "eodd", "eopp1", "eopp2");

  public FairnessIntervals {
    Preconditions.checkArgument(
        level > 0 && level < 1, "level must be in (0, 1), but was %s", level);
    Preconditions.checkArgument(resamples > 0, "resamples must be > 0, but was %s", resamples);
    Preconditions.checkArgument(
        accuracy != null && unfairness != null && eodd != null && eopp1 != null && eopp2 != null,
        "intervals must not be null");
  }

  /** The intervals by figure name ({@link #FIGURES}). */
  public Map<String, Interval> byFigure() {
    Map<String, Interval> map = new LinkedHashMap<>();
    map.put("accuracy", accuracy);
    map.put("unfairness", unfairness);
    map.put("eodd", eodd);
    map.put("eopp1", eopp1);
    map.put("eopp2", eopp2);
    return map;
  }
}
