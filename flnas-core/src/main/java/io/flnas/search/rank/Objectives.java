package io.flnas.search.rank;

import com.google.common.base.Preconditions;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Ready-made objectives and the Pareto front. */
public final class Objectives {
  private Objectives() {}

  /** The paper's ranking with a tolerance of 1 percentage point. */
  public static Objective flNas() {
    return flNas(0.01);
  }

  /**
   * The paper's priorities: only trials that meet the target's budgets compete; among those, the
   * ones within {@code accuracyTolerance} (a fraction: 0.01 = 1 percentage point) of the best
   * validation accuracy are admissible and the lowest unfairness wins; ties go to lower latency,
   * then fewer parameters. Behind them: the other in-budget trials by accuracy, then the
   * over-budget ones by accuracy.
   */
  public static Objective flNas(double accuracyTolerance) {
    Preconditions.checkArgument(
        accuracyTolerance >= 0 && accuracyTolerance < 1,
        "accuracyTolerance must be in [0, 1), but was %s",
        accuracyTolerance);
    return new Objective() {
      @Override
      public List<Trial> rank(List<Trial> trials, DeploymentTarget target) {
        List<Trial> inBudget = new ArrayList<>();
        List<Trial> overBudget = new ArrayList<>();
        for (Trial trial : distinctCompleted(trials)) {
          (meets(trial.result(), target) ? inBudget : overBudget).add(trial);
        }
        double bestAccuracy =
            inBudget.stream().mapToDouble(t -> t.result().accuracy()).max().orElse(Double.NaN);
        Comparator<Trial> fairest =
            Comparator.<Trial>comparingDouble(t -> Metric.UNFAIRNESS.cost(t.result()))
                .thenComparingDouble(t -> Metric.LATENCY.cost(t.result()))
                .thenComparingDouble(t -> Metric.PARAMETERS.cost(t.result()))
                .thenComparingInt(Trial::iteration);
        Comparator<Trial> mostAccurate =
            Comparator.<Trial>comparingDouble(t -> Metric.ACCURACY.cost(t.result()))
                .thenComparing(fairest);
        List<Trial> admissible = new ArrayList<>();
        List<Trial> rest = new ArrayList<>();
        for (Trial trial : inBudget) {
          boolean close = trial.result().accuracy() >= bestAccuracy - accuracyTolerance - 1e-12;
          (close ? admissible : rest).add(trial);
        }
        admissible.sort(fairest);
        rest.sort(mostAccurate);
        overBudget.sort(mostAccurate);
        List<Trial> ranked = new ArrayList<>(admissible);
        ranked.addAll(rest);
        ranked.addAll(overBudget);
        return ranked;
      }

      @Override
      public String name() {
        return "flnas(tolerance=" + accuracyTolerance + ")";
      }
    };
  }

  /**
   * Highest weighted sum wins: {@code sum of weight x value}, values turned so higher is better
   * (accuracy as is; unfairness, EODD, EOPP1/2 negated; parameters in millions, latency in ms and
   * memory in MB negated; any other metric, an evaluator's extra value included, as its {@link
   * Metric#cost} negated). Budgets are not enforced beyond ranking over-budget trials last.
   */
  public static Objective weighted(Map<Metric, Double> weights) {
    Preconditions.checkArgument(!weights.isEmpty(), "weights must not be empty");
    Map<Metric, Double> copy = new LinkedHashMap<>(weights);
    return new Objective() {
      @Override
      public List<Trial> rank(List<Trial> trials, DeploymentTarget target) {
        Comparator<Trial> order =
            Comparator.<Trial, Boolean>comparing(t -> !meets(t.result(), target))
                .thenComparingDouble(t -> -score(t.result()))
                .thenComparingInt(Trial::iteration);
        return distinctCompleted(trials).stream().sorted(order).collect(Collectors.toList());
      }

      private double score(Evaluation e) {
        double score = 0;
        for (Map.Entry<Metric, Double> w : copy.entrySet()) {
          double value = -w.getKey().cost(e);
          if (w.getKey().equals(Metric.PARAMETERS)) {
            value /= 1e6;
          }
          score += w.getValue() * value;
        }
        return score;
      }

      @Override
      public String name() {
        return "weighted"
            + copy.entrySet().stream()
                .map(w -> label(w.getKey()) + "=" + w.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
      }
    };
  }

  /** Compares by the first metric, ties by the next, and so on; over-budget trials last. */
  public static Objective lexicographic(Metric... order) {
    Preconditions.checkArgument(order.length > 0, "lexicographic needs at least one metric");
    List<Metric> metrics = List.of(order);
    return new Objective() {
      @Override
      public List<Trial> rank(List<Trial> trials, DeploymentTarget target) {
        Comparator<Trial> comparator = Comparator.comparing(t -> !meets(t.result(), target));
        for (Metric metric : metrics) {
          comparator = comparator.thenComparingDouble(t -> metric.cost(t.result()));
        }
        comparator = comparator.thenComparingInt(Trial::iteration);
        return distinctCompleted(trials).stream().sorted(comparator).collect(Collectors.toList());
      }

      @Override
      public String name() {
        return "lexicographic"
            + metrics.stream().map(Objectives::label).collect(Collectors.joining(", ", "[", "]"));
      }
    };
  }

  /**
   * Multi-objective ranking, as NSGA-II sorts (Deb et al. 2002): by non-dominated rank over the
   * metrics (the Pareto front first, then the front of the rest, and so on), within a rank by
   * crowding distance, largest first (a front's extremes first, then the trials with the emptiest
   * neighbourhood, so that a cut keeps the front spread out), ties by trial number; over-budget
   * trials after all that meet the target. Its best trial is a front member with an extreme figure.
   * This is the objective with which {@link io.flnas.search.promote.Halving} promotes for accuracy,
   * unfairness and latency at once, not for one scalar.
   */
  public static Objective pareto(Metric... metrics) {
    Preconditions.checkArgument(metrics.length > 0, "pareto needs at least one metric");
    Metric[] copy = metrics.clone();
    return new Objective() {
      @Override
      public List<Trial> rank(List<Trial> trials, DeploymentTarget target) {
        List<Trial> candidates = distinctCompleted(trials);
        List<Trial> ranked = new ArrayList<>();
        ranked.addAll(
            nondominatedSort(
                candidates.stream()
                    .filter(t -> meets(t.result(), target))
                    .collect(Collectors.toList()),
                copy));
        ranked.addAll(
            nondominatedSort(
                candidates.stream()
                    .filter(t -> !meets(t.result(), target))
                    .collect(Collectors.toList()),
                copy));
        return ranked;
      }

      @Override
      public String name() {
        return "pareto"
            + Arrays.stream(copy)
                .map(Objectives::label)
                .collect(Collectors.joining(", ", "[", "]"));
      }
    };
  }

  /** Fronts one after the other, each by crowding distance (largest first), ties by number. */
  private static List<Trial> nondominatedSort(List<Trial> trials, Metric... metrics) {
    List<Trial> rest = new ArrayList<>(trials);
    List<Trial> sorted = new ArrayList<>();
    while (!rest.isEmpty()) {
      List<Trial> front = new ArrayList<>();
      for (Trial t : rest) {
        if (rest.stream().noneMatch(o -> o != t && dominates(o.result(), t.result(), metrics))) {
          front.add(t);
        }
      }
      rest.removeAll(front);
      Map<Trial, Double> crowding = crowding(front, metrics);
      front.sort(
          Comparator.comparingDouble((Trial t) -> -crowding.get(t))
              .thenComparingInt(Trial::iteration));
      sorted.addAll(front);
    }
    return sorted;
  }

  /**
   * NSGA-II's crowding distance of each trial of a front: the sum over metrics of the gap between
   * its two neighbours, normalized by the front's range; infinite at each metric's extremes.
   */
  private static Map<Trial, Double> crowding(List<Trial> front, Metric... metrics) {
    Map<Trial, Double> distance = new IdentityHashMap<>();
    front.forEach(t -> distance.put(t, 0.0));
    for (Metric metric : metrics) {
      List<Trial> byMetric = new ArrayList<>(front);
      byMetric.sort(
          Comparator.comparingDouble((Trial t) -> metric.cost(t.result()))
              .thenComparingInt(Trial::iteration));
      double low = metric.cost(byMetric.get(0).result());
      double high = metric.cost(byMetric.get(byMetric.size() - 1).result());
      distance.put(byMetric.get(0), Double.POSITIVE_INFINITY);
      distance.put(byMetric.get(byMetric.size() - 1), Double.POSITIVE_INFINITY);
      double range = high - low;
      if (!(range > 0)) {
        continue;
      }
      for (int i = 1; i + 1 < byMetric.size(); i++) {
        double gap =
            metric.cost(byMetric.get(i + 1).result()) - metric.cost(byMetric.get(i - 1).result());
        distance.merge(byMetric.get(i), gap / range, Double::sum);
      }
    }
    return distance;
  }

  /**
   * The non-dominated completed trials over the given metrics: no other trial is at least as good
   * on every metric and better on one. In iteration order.
   */
  public static List<Trial> paretoFront(List<Trial> trials, Metric... metrics) {
    Preconditions.checkArgument(metrics.length > 0, "paretoFront needs at least one metric");
    List<Trial> candidates = distinctCompleted(trials);
    List<Trial> front = new ArrayList<>();
    for (Trial t : candidates) {
      boolean dominated = false;
      for (Trial other : candidates) {
        if (other != t && dominates(other.result(), t.result(), metrics)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        front.add(t);
      }
    }
    return front;
  }

  /** Whether {@code a} is at least as good as {@code b} on every metric and better on one. */
  public static boolean dominates(Evaluation a, Evaluation b, Metric... metrics) {
    boolean better = false;
    for (Metric m : metrics) {
      double ca = m.cost(a);
      double cb = m.cost(b);
      if (ca > cb) {
        return false;
      }
      better |= ca < cb;
    }
    return better;
  }

  /** Whether measured figures fit the target: parameters, memory and latency budgets. */
  public static boolean meets(Evaluation e, DeploymentTarget target) {
    return target.meets(
        e.hardware().parameters(), e.hardware().analyticMemoryMb(), e.hardware().latencyMs());
  }

  /**
   * A metric as an objective's name shows it: upper case, as the names were when metrics were an
   * enum, so the configuration fingerprint of journals written then still matches.
   */
  private static String label(Metric metric) {
    return metric.name().toUpperCase(Locale.ROOT);
  }

  /**
   * Completed trials, each evaluated architecture once (duplicates of it left out), in the order
   * given: what every ranking, front, table and plot compares. The one place this rule lives.
   */
  public static List<Trial> distinctCompleted(List<Trial> trials) {
    return trials.stream()
        .filter(Trial::completed)
        .filter(t -> t.duplicateOf().isEmpty())
        .collect(Collectors.toList());
  }
}
