package io.flnas.metrics;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Seeded bootstrap intervals for accuracy and the fairness figures of a labelled split. Each
 * resample draws as many samples as the split has, with replacement, keeping every sample's label,
 * prediction(s) and group memberships together, and recomputes the figures with {@link
 * FairnessMetrics}. The interval is Efron's bias-corrected percentile (BC) interval: the quantiles
 * {@code Phi(2 z0 -/+ z)} of the resampled figures, where {@code z0} is the normal quantile of the
 * share of resampled figures below the point estimate and {@code z} that of {@code (1 + level) /
 * 2}. The gaps are means of absolute differences and maxima, which resampling inflates, so plain
 * percentile intervals of EODD and EOPP can lie wholly above their own point estimate (seen in a
 * default run); the bias correction moves the interval back. Where the resamples sit evenly around
 * the estimate ({@code z0 = 0}, e.g. accuracy) it is the plain percentile interval. Quantiles
 * interpolate linearly between order statistics. The same seed gives the same intervals.
 *
 * <p>{@link #differences} resamples two models' predictions on the same samples together (a paired
 * bootstrap), so it answers whether model A differs from model B on this split.
 *
 * <pre>{@code
 * FairnessIntervals ci = Bootstrap.intervals(8, labels, predictions, groups, 1000, 42);
 * boolean significant = Bootstrap.differences(8, labels, mine, baseline, groups, 1000, 42)
 *     .accuracy().excludesZero();
 * }</pre>
 */
public final class Bootstrap {
  /** The default number of resamples. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** The default coverage. */
  public static final double LEVEL = 0.95;

  private Bootstrap() {}

  /** 95% intervals of one model's figures. */
  public static FairnessIntervals intervals(int numClasses, int[] labels, int[] predictions,
      List<GroupColumn> groups, int resamples, long seed) {
    return resample(numClasses, labels, predictions, null, groups, resamples, seed);
  }

  /** 95% intervals of the paired differences A - B of two models' figures on the same samples. */
  public static FairnessIntervals differences(int numClasses, int[] labels, int[] predictionsA,
      int[] predictionsB, List<GroupColumn> groups, int resamples, long seed) {
    Preconditions.checkArgument(predictionsB.length == predictionsA.length,
        "both models need a prediction per sample, but had %s and %s", predictionsA.length,
        predictionsB.length);
    return resample(numClasses, labels, predictionsA, predictionsB, groups, resamples, seed);
  }

  private static FairnessIntervals resample(int numClasses, int[] labels, int[] a, int[] b,
      List<GroupColumn> groups, int resamples, long seed) {
    Preconditions.checkArgument(resamples > 0, "resamples must be > 0, but was %s", resamples);
    Preconditions.checkArgument(labels.length > 0, "the split must not be empty");
    Preconditions.checkArgument(a.length == labels.length,
        "labels (%s) and predictions (%s) must have the same length", labels.length, a.length);
    int n = labels.length;
    int[][] memberships = groups.stream().map(GroupColumn::membership).toArray(int[][]::new);
    double[][] figures = new double[FairnessIntervals.FIGURES.size()][resamples];
    Random random = new Random(seed);
    int[] drawnLabels = new int[n];
    int[] drawnA = new int[n];
    int[] drawnB = new int[n];
    int[][] drawnGroups = new int[memberships.length][n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        int pick = random.nextInt(n);
        drawnLabels[i] = labels[pick];
        drawnA[i] = a[pick];
        if (b != null) {
          drawnB[i] = b[pick];
        }
        for (int c = 0; c < memberships.length; c++) {
          drawnGroups[c][i] = memberships[c][pick];
        }
      }
      List<GroupColumn> columns = new ArrayList<>(groups.size());
      for (int c = 0; c < memberships.length; c++) {
        columns.add(new GroupColumn(groups.get(c).attribute(), groups.get(c).groups(),
            drawnGroups[c]));
      }
      double[] x = figures(FairnessMetrics.compute(numClasses, drawnLabels, drawnA, columns));
      double[] y = b == null ? null
          : figures(FairnessMetrics.compute(numClasses, drawnLabels, drawnB, columns));
      for (int f = 0; f < x.length; f++) {
        figures[f][r] = y == null ? x[f] : x[f] - y[f];
      }
    }
    double[] point = figures(FairnessMetrics.compute(numClasses, labels, a, groups));
    if (b != null) {
      double[] other = figures(FairnessMetrics.compute(numClasses, labels, b, groups));
      for (int f = 0; f < point.length; f++) {
        point[f] -= other[f];
      }
    }
    Interval[] intervals = new Interval[figures.length];
    for (int f = 0; f < figures.length; f++) {
      intervals[f] = biasCorrected(figures[f], point[f], LEVEL);
    }
    return new FairnessIntervals(LEVEL, resamples, intervals[0], intervals[1], intervals[2],
        intervals[3], intervals[4]);
  }

  private static final List<ToDoubleFunction<FairnessReport>> READERS = List.of(
      FairnessReport::accuracy, FairnessReport::unfairness, FairnessReport::eodd,
      FairnessReport::eopp1, FairnessReport::eopp2);

  private static double[] figures(FairnessReport report) {
    return READERS.stream().mapToDouble(r -> r.applyAsDouble(report)).toArray();
  }

  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  /**
   * Efron's bias-corrected percentile interval of bootstrap {@code values} around the point
   * estimate {@code estimate} (see the class comment).
   */
  public static Interval biasCorrected(double[] values, double estimate, double level) {
    Preconditions.checkArgument(values.length > 0, "values must not be empty");
    Preconditions.checkArgument(level > 0 && level < 1, "level must be in (0, 1), but was %s",
        level);
    double below = 0;
    for (double v : values) {
      below += v < estimate ? 1 : v == estimate ? 0.5 : 0;
    }
    double share = below / values.length;
    if (share == 0 || share == 1) {
      // every resample on one side of the estimate: no bias to correct from, so no correction
      return percentile(values, level);
    }
    double z0 = NORMAL.inverseCumulativeProbability(share);
    double z = NORMAL.inverseCumulativeProbability((1 + level) / 2);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Interval(quantile(sorted, NORMAL.cumulativeProbability(2 * z0 - z)),
        quantile(sorted, NORMAL.cumulativeProbability(2 * z0 + z)));
  }

  /**
   * The central {@code level} interval of {@code values}: their {@code (1 - level) / 2} and
   * {@code (1 + level) / 2} quantiles, interpolated linearly between order statistics.
   */
  public static Interval percentile(double[] values, double level) {
    Preconditions.checkArgument(values.length > 0, "values must not be empty");
    Preconditions.checkArgument(level > 0 && level < 1, "level must be in (0, 1), but was %s",
        level);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Interval(quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2));
  }

  private static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int below = (int) Math.floor(h);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
  }
}
