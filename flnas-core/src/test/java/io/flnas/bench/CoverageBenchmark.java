package io.flnas.bench;

import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.FairnessIntervals;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How often Table I's 95% intervals ({@link Bootstrap#intervals}) contain the true figure. A
 * population of 200,000 labelled predictions with the default synthetic dataset's make-up (8
 * classes; sex 58/42 and age bands 30/48/22 %, 3 % unknown each; a model right 72 % of the time, 10
 * points less for women and 12 less for the old, a little more or less by class) has known figures:
 * {@link FairnessMetrics} on the whole population. Each draw takes a test split of the default size
 * (140: 10 % of the default run's 1,400 images) from it, computes the intervals and counts which
 * hold the truth. For comparison it prints, on the same splits, the coverage of the percentile,
 * Efron's bias-corrected (BC) and the basic bootstrap intervals of the plug-in figures. Run with
 * {@code ./mvnw -q -o -pl flnas-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.flnas.bench.CoverageBenchmark -Dexec.skip=false} (arguments: draws, default
 * 2000; resamples, default 1000; test size, default 140; the penalty for women and for the old,
 * default 0.10 and 0.12, e.g. {@code -Dexec.args="2000 1000 140 0 0"} for a model with no true
 * gap).
 */
public final class CoverageBenchmark {
  private static final int CLASSES = 8;
  private static final int POPULATION = 200_000;
  private static final List<String> NAMES = FairnessIntervals.FIGURES;

  private CoverageBenchmark() {}

  public static void main(String[] args) {
    int draws = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int resamples = args.length > 1 ? Integer.parseInt(args[1]) : Bootstrap.DEFAULT_RESAMPLES;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 140;
    double femalePenalty = args.length > 3 ? Double.parseDouble(args[3]) : 0.10;
    double oldPenalty = args.length > 4 ? Double.parseDouble(args[4]) : 0.12;

    Random random = new Random(1);
    int[] labels = new int[POPULATION];
    int[] predictions = new int[POPULATION];
    int[] sex = new int[POPULATION];
    int[] age = new int[POPULATION];
    for (int i = 0; i < POPULATION; i++) {
      sex[i] =
          random.nextDouble() < 0.03 ? GroupColumn.UNKNOWN : random.nextDouble() < 0.58 ? 0 : 1;
      double a = random.nextDouble();
      age[i] = random.nextDouble() < 0.03 ? GroupColumn.UNKNOWN : a < 0.3 ? 0 : a < 0.78 ? 1 : 2;
      labels[i] = random.nextInt(CLASSES);
      double right =
          0.72
              + 0.03 * (labels[i] % 4 - 1.5)
              - (sex[i] == 1 ? femalePenalty : 0)
              - (age[i] == 2 ? oldPenalty : 0);
      if (random.nextDouble() < right) {
        predictions[i] = labels[i];
      } else {
        int wrong = random.nextInt(CLASSES - 1);
        predictions[i] = wrong >= labels[i] ? wrong + 1 : wrong;
      }
    }
    double[] truth =
        figures(FairnessMetrics.compute(CLASSES, labels, predictions, columns(sex, age)));

    int[] covered = new int[NAMES.size()];
    int[][] compared = new int[3][NAMES.size()];
    double[] plugIn = new double[NAMES.size()];
    double[] width = new double[NAMES.size()];
    Random draw = new Random(2);
    long started = System.nanoTime();
    for (int d = 0; d < draws; d++) {
      int[] l = new int[n];
      int[] p = new int[n];
      int[] s = new int[n];
      int[] g = new int[n];
      for (int i = 0; i < n; i++) {
        int k = draw.nextInt(POPULATION);
        l[i] = labels[k];
        p[i] = predictions[k];
        s[i] = sex[k];
        g[i] = age[k];
      }
      long seed = draw.nextLong();
      List<GroupColumn> groups = columns(s, g);
      double[] estimate = figures(FairnessMetrics.compute(CLASSES, l, p, groups));
      List<Interval> intervals =
          List.copyOf(
              Bootstrap.intervals(CLASSES, l, p, groups, resamples, seed).byFigure().values());
      double[][] resampled = resampledFigures(l, p, s, g, resamples, seed);
      for (int f = 0; f < NAMES.size(); f++) {
        Interval ci = intervals.get(f);
        covered[f] += ci.contains(truth[f]) ? 1 : 0;
        plugIn[f] += estimate[f];
        width[f] += ci.upper() - ci.lower();
        Interval percentile = Bootstrap.percentile(resampled[f], Bootstrap.LEVEL);
        Interval bc = Bootstrap.biasCorrected(resampled[f], estimate[f], Bootstrap.LEVEL);
        compared[0][f] += percentile.contains(truth[f]) ? 1 : 0;
        compared[1][f] += bc.contains(truth[f]) ? 1 : 0;
        // basic ("reverse percentile"): [2 t - q_hi, 2 t - q_lo]
        compared[2][f] +=
            2 * estimate[f] - percentile.upper() <= truth[f]
                    && truth[f] <= 2 * estimate[f] - percentile.lower()
                ? 1
                : 0;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    StringBuilder line = new StringBuilder("coverage:");
    StringBuilder known = new StringBuilder("true figures:");
    StringBuilder mean = new StringBuilder("mean plug-in figure:");
    StringBuilder widths = new StringBuilder("mean interval width:");
    for (int f = 0; f < NAMES.size(); f++) {
      line.append(String.format(" %s %.3f", NAMES.get(f), (double) covered[f] / draws));
      known.append(String.format(" %s %.4f", NAMES.get(f), truth[f]));
      mean.append(String.format(" %s %.4f", NAMES.get(f), plugIn[f] / draws));
      widths.append(String.format(" %s %.4f", NAMES.get(f), width[f] / draws));
    }
    System.out.println(known);
    System.out.println(mean);
    System.out.println(widths);
    String[] methods = {"percentile", "BC", "basic"};
    for (int m = 0; m < methods.length; m++) {
      StringBuilder other = new StringBuilder("for comparison, " + methods[m] + " coverage:");
      for (int f = 0; f < NAMES.size(); f++) {
        other.append(String.format(" %s %.3f", NAMES.get(f), (double) compared[m][f] / draws));
      }
      System.out.println(other);
    }
    System.out.printf(
        "%s (n=%d, %d draws, %d resamples, %.0f s)%n", line, n, draws, resamples, seconds);
  }

  /** The plug-in figures of {@code resamples} resamples, drawn as {@link Bootstrap} draws them. */
  private static double[][] resampledFigures(
      int[] l, int[] p, int[] s, int[] g, int resamples, long seed) {
    int n = l.length;
    double[][] figures = new double[NAMES.size()][resamples];
    Random random = new Random(seed);
    int[] l2 = new int[n];
    int[] p2 = new int[n];
    int[] s2 = new int[n];
    int[] g2 = new int[n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        int k = random.nextInt(n);
        l2[i] = l[k];
        p2[i] = p[k];
        s2[i] = s[k];
        g2[i] = g[k];
      }
      double[] f = figures(FairnessMetrics.compute(CLASSES, l2, p2, columns(s2, g2)));
      for (int j = 0; j < f.length; j++) {
        figures[j][r] = f[j];
      }
    }
    return figures;
  }

  private static List<GroupColumn> columns(int[] sex, int[] age) {
    List<GroupColumn> columns = new ArrayList<>();
    columns.add(new GroupColumn("sex", List.of("male", "female"), sex));
    columns.add(new GroupColumn("age", List.of("young", "middle", "old"), age));
    return columns;
  }

  private static double[] figures(FairnessReport r) {
    return new double[] {r.accuracy(), r.unfairness(), r.eodd(), r.eopp1(), r.eopp2()};
  }
}
