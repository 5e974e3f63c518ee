package io.flnas.search.design;

import com.google.common.collect.MapMaker;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Shape;
import io.flnas.search.Trial;
import io.flnas.search.rank.Objectives;
import io.flnas.space.ChoiceSpace;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cost-prior local search with a ridge surrogate: a designer that uses only what a search knows
 * before training (the analytic cost of a candidate) and the results of its trials.
 *
 * <ol>
 *   <li>The first proposal is the costliest valid architecture (most multiply-accumulates), found
 *       by steepest-ascent hill-climbing on the analytic cost among candidates that pass the
 *       space's and the target's checks: with nothing measured yet, capacity is the best bet.
 *   <li>After that, a ridge regression is fitted on every completed trial to predict its validation
 *       accuracy (standardized) from features of its architecture: a one-hot of each position's
 *       option, the standardized log of its MACs (whose weight is pulled towards a positive prior,
 *       0.5, rather than towards 0), and per position the share of that position's cost range its
 *       option uses. The candidates are every single-position change of the three best trials by
 *       the search's objective that has not been evaluated; the one with the highest predicted
 *       accuracy is proposed, ties broken by a seeded shuffle (options of equal cost score alike
 *       until one is measured, and trying them in a fixed order would always test the same one
 *       first).
 * </ol>
 *
 * <p>Spaces that are a {@link ChoiceSpace} get the one-hot and per-position features; any other
 * space is searched the same way over {@link SearchSpace#mutate} neighbours and samples, with only
 * the cost features. Nothing in it knows a particular space or benchmark. Measured over 300 seeds
 * on NAS-Bench-201 and NAS-Bench-Macro (see {@code docs/benchmarks.md}); the settings were chosen
 * on those tables, so a new space is the honest test.
 *
 * <p>Stateless between proposals (everything is derived from the design context, so a resumed
 * search proposes what an uninterrupted one would); it caches analytic costs and choice vectors,
 * which depend on the architecture alone.
 */
final class SurrogateDesigner implements Designer {
  static final int TOP = 3;
  static final int REFERENCE_SAMPLES = 256;
  static final double RIDGE = 1.0;
  static final double COST_RIDGE = 1.0;
  static final double COST_PRIOR = 0.5;
  static final double POSITION_COST_RIDGE = 0.3;
  static final double TIE = 1e-9;

  /** Neighbours and fresh samples per proposal in a space that is not a {@link ChoiceSpace}. */
  static final int GENERIC_NEIGHBOURS = 24;

  static final int GENERIC_SAMPLES = 8;

  private record Setting(SearchSpace space, Shape input, int numClasses, DeploymentTarget target) {}

  /** What depends only on the space, the task and the target: the start and the cost scales. */
  private record Prior(
      Architecture start, double meanLogCost, double sdLogCost, double[][] positionCost) {}

  private final Map<Setting, Prior> priors = new ConcurrentHashMap<>();
  private final Map<Architecture, Double> logCosts = new MapMaker().weakKeys().makeMap();
  private final Map<Architecture, int[]> choices = new MapMaker().weakKeys().makeMap();
  private final Map<Setting, Map<Long, Double>> choiceCosts = new ConcurrentHashMap<>();

  @Override
  public Proposal propose(DesignContext context) {
    Setting setting =
        new Setting(
            context.space(),
            context.problem().input(),
            context.problem().numClasses(),
            context.target());
    Prior prior = priors.computeIfAbsent(setting, this::prior);
    List<Trial> completed = Objectives.distinctCompleted(context.history());
    boolean started =
        java.util.stream.Stream.concat(context.history().stream(), context.running().stream())
            .anyMatch(
                t -> t.architecture().filter(a -> a.sameStructure(prior.start())).isPresent());
    if (completed.isEmpty() && !started) {
      return Proposal.of(prior.start());
    }
    List<Trial> top =
        context.objective().rank(completed, context.target()).stream().limit(TOP).toList();
    double[] w = fit(setting, prior, completed);
    if (context.space() instanceof ChoiceSpace space) {
      return proposeChoice(context, setting, prior, space, top, w);
    }
    Set<String> taken = taken(context);
    List<Architecture> candidates = candidates(context, top, taken);
    Collections.shuffle(candidates, context.random());
    double[] scores = new double[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = dot(w, features(setting, prior, candidates.get(i)));
    }
    return Proposal.of(
        best(context, scores, candidates::get).orElseGet(() -> fresh(context, taken)));
  }

  /** The same search over choice vectors: no architecture is built until one is chosen. */
  private Proposal proposeChoice(
      DesignContext context,
      Setting setting,
      Prior prior,
      ChoiceSpace space,
      List<Trial> top,
      double[] w) {
    // Two choice vectors can build the same network (NAS-Bench-Macro's identity layers at two
    // places of a stage): a candidate counts as new only if the network it builds is, by the
    // space's own index of networks, or the search would stall on duplicates that cost a round
    // and no query.
    Set<Long> built = new HashSet<>();
    for (Trial t : context.history()) {
      t.architecture().map(a -> choicesOf(space, a)).ifPresent(c -> built.add(space.index(c)));
    }
    for (Trial t : context.running()) {
      t.architecture().map(a -> choicesOf(space, a)).ifPresent(c -> built.add(space.index(c)));
    }
    Set<Long> seen = new HashSet<>(built);
    List<int[]> candidates = new ArrayList<>();
    List<Integer> options = space.options();
    for (Trial t : top) {
      int[] from = choicesOf(space, t.architecture().orElseThrow());
      if (from == null) {
        continue;
      }
      for (int p = 0; p < from.length; p++) {
        for (int o = 0; o < options.get(p); o++) {
          if (o != from[p]) {
            int[] to = from.clone();
            to[p] = o;
            if (seen.add(space.index(to))) {
              candidates.add(to);
            }
          }
        }
      }
    }
    Collections.shuffle(candidates, context.random());
    double[] scores = new double[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = dot(w, choiceFeatures(setting, prior, space, candidates.get(i)));
    }
    return Proposal.of(
        best(
                context,
                scores,
                i -> space.architecture(candidates.get(i), setting.input(), setting.numClasses()),
                a -> {
                  int[] canonical = choicesOf(space, a);
                  return canonical == null || !built.contains(space.index(canonical));
                })
            .orElseGet(() -> fresh(context, taken(context))));
  }

  /** The hashes of every proposed and running architecture. */
  private static Set<String> taken(DesignContext context) {
    Set<String> taken = new HashSet<>();
    for (Trial t : context.history()) {
      t.hash().ifPresent(taken::add);
    }
    for (Trial t : context.running()) {
      t.hash().ifPresent(taken::add);
    }
    return taken;
  }

  /**
   * The first candidate, in the given (shuffled) order, whose score is within {@link #TIE} of the
   * best and that the space and the target accept; then the next best, and so on.
   */
  private static Optional<Architecture> best(
      DesignContext context,
      double[] scores,
      java.util.function.IntFunction<Architecture> candidate) {
    return best(context, scores, candidate, a -> true);
  }

  /** The best-scored candidate that is valid and that {@code fresh} accepts. */
  private static Optional<Architecture> best(
      DesignContext context,
      double[] scores,
      java.util.function.IntFunction<Architecture> candidate,
      java.util.function.Predicate<Architecture> fresh) {
    double best = Double.NEGATIVE_INFINITY;
    for (double score : scores) {
      best = Math.max(best, score);
    }
    for (double threshold = best - TIE; threshold > Double.NEGATIVE_INFINITY; ) {
      double next = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] >= threshold) {
          Architecture built = candidate.apply(i);
          if (DesignContext.violations(built, context.space(), context.target()).isEmpty()
              && fresh.test(built)) {
            return Optional.of(built);
          }
          scores[i] = Double.NEGATIVE_INFINITY;
        } else {
          next = Math.max(next, scores[i]);
        }
      }
      threshold = next - TIE;
    }
    return Optional.empty();
  }

  /** Mutations of the best trials and fresh samples, not yet evaluated (any space). */
  private static List<Architecture> candidates(
      DesignContext context, List<Trial> top, Set<String> taken) {
    List<Architecture> out = new ArrayList<>();
    Set<String> seen = new HashSet<>(taken);
    for (Trial t : top) {
      for (int i = 0; i < GENERIC_NEIGHBOURS; i++) {
        add(context.space().mutate(t.architecture().orElseThrow(), context.random()), seen, out);
      }
    }
    for (int i = 0; i < GENERIC_SAMPLES; i++) {
      add(sample(context), seen, out);
    }
    return out;
  }

  private static void add(Architecture candidate, Set<String> seen, List<Architecture> out) {
    if (seen.add(candidate.hash())) {
      out.add(candidate);
    }
  }

  private static Architecture sample(DesignContext context) {
    return context
        .space()
        .sample(context.random(), context.problem().input(), context.problem().numClasses());
  }

  /** A random architecture not evaluated yet (the last draw if every draw was). */
  private static Architecture fresh(DesignContext context, Set<String> taken) {
    Architecture drawn = sample(context);
    for (int i = 0; i < 1000 && taken.contains(drawn.hash()); i++) {
      drawn = sample(context);
    }
    return drawn;
  }

  private Prior prior(Setting setting) {
    SearchSpace space = setting.space();
    // A fixed generator: the start and the cost scales belong to the space, not to a seed.
    Random random = new Random(space.fingerprint().hashCode());
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < REFERENCE_SAMPLES; i++) {
      double log = logCost(space.sample(random, setting.input(), setting.numClasses()));
      sum += log;
      sumSquares += log * log;
    }
    double mean = sum / REFERENCE_SAMPLES;
    double sd = Math.sqrt(Math.max(0, sumSquares / REFERENCE_SAMPLES - mean * mean)) + 1e-12;
    Architecture start = climb(setting, random);
    double[][] positionCost = new double[0][];
    if (space instanceof ChoiceSpace choiceSpace) {
      int[] at = choicesOf(choiceSpace, start);
      List<Integer> options = choiceSpace.options();
      positionCost = new double[options.size()][];
      for (int p = 0; p < options.size(); p++) {
        double[] costs = new double[options.get(p)];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < costs.length; o++) {
          int[] changed = at.clone();
          changed[p] = o;
          costs[o] =
              Math.exp(
                  logCost(
                      choiceSpace.architecture(changed, setting.input(), setting.numClasses())));
          lo = Math.min(lo, costs[o]);
          hi = Math.max(hi, costs[o]);
        }
        for (int o = 0; o < costs.length; o++) {
          costs[o] = hi > lo ? (costs[o] - lo) / (hi - lo) : 0;
        }
        positionCost[p] = costs;
      }
    }
    return new Prior(start, mean, sd, positionCost);
  }

  /** Steepest ascent on the analytic cost among architectures the space and target accept. */
  private Architecture climb(Setting setting, Random random) {
    SearchSpace space = setting.space();
    Architecture current = null;
    for (int i = 0; i < 100 && current == null; i++) {
      Architecture drawn = space.sample(random, setting.input(), setting.numClasses());
      if (DesignContext.violations(drawn, space, setting.target()).isEmpty()) {
        current = drawn;
      }
    }
    if (current == null) {
      current = space.sample(random, setting.input(), setting.numClasses());
    }
    while (true) {
      Architecture best = null;
      double bestCost = logCost(current);
      for (Architecture neighbour : neighbours(setting, current, random)) {
        double cost = logCost(neighbour);
        if (cost > bestCost
            && DesignContext.violations(neighbour, space, setting.target()).isEmpty()) {
          best = neighbour;
          bestCost = cost;
        }
      }
      if (best == null) {
        return current;
      }
      current = best;
    }
  }

  private List<Architecture> neighbours(Setting setting, Architecture of, Random random) {
    List<Architecture> out = new ArrayList<>();
    if (setting.space() instanceof ChoiceSpace space) {
      int[] at = choicesOf(space, of);
      for (int p = 0; p < at.length; p++) {
        for (int o = 0; o < space.options().get(p); o++) {
          if (o != at[p]) {
            int[] changed = at.clone();
            changed[p] = o;
            out.add(space.architecture(changed, setting.input(), setting.numClasses()));
          }
        }
      }
    } else {
      for (int i = 0; i < GENERIC_NEIGHBOURS; i++) {
        out.add(setting.space().mutate(of, random));
      }
    }
    return out;
  }

  private double[] fit(Setting setting, Prior prior, List<Trial> completed) {
    int n = completed.size();
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = features(setting, prior, completed.get(i).architecture().orElseThrow());
      y[i] = completed.get(i).result().accuracy();
    }
    double mean = 0;
    for (double v : y) {
      mean += v;
    }
    mean /= n;
    double variance = 0;
    for (double v : y) {
      variance += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(variance / n);
    int f = x[0].length;
    double[] penalty = penalties(setting, f);
    double[][] a = new double[f][f];
    double[] b = new double[f];
    for (int i = 0; i < n; i++) {
      double z = sd > 0 ? (y[i] - mean) / sd : 0;
      for (int j = 0; j < f; j++) {
        if (x[i][j] == 0) {
          continue;
        }
        b[j] += x[i][j] * z;
        for (int k = 0; k < f; k++) {
          a[j][k] += x[i][j] * x[i][k];
        }
      }
    }
    for (int j = 0; j < f; j++) {
      a[j][j] += penalty[j];
    }
    b[1] += penalty[1] * COST_PRIOR;
    return Ridge.solve(a, b);
  }

  /** No penalty on the intercept; the cost weight is pulled towards {@link #COST_PRIOR}. */
  private static double[] penalties(Setting setting, int features) {
    double[] penalty = new double[features];
    penalty[1] = COST_RIDGE;
    if (setting.space() instanceof ChoiceSpace space) {
      int options = space.options().stream().mapToInt(Integer::intValue).sum();
      for (int j = 2; j < 2 + options; j++) {
        penalty[j] = RIDGE;
      }
      for (int j = 2 + options; j < features; j++) {
        penalty[j] = POSITION_COST_RIDGE;
      }
    }
    return penalty;
  }

  private double[] features(Setting setting, Prior prior, Architecture architecture) {
    if (setting.space() instanceof ChoiceSpace space) {
      int[] at = choicesOf(space, architecture);
      if (at != null) {
        return choiceFeatures(setting, prior, space, at);
      }
    }
    return new double[] {1, (logCost(architecture) - prior.meanLogCost()) / prior.sdLogCost()};
  }

  /** Intercept, standardized log cost, one-hot options, per-position cost shares. */
  private double[] choiceFeatures(Setting setting, Prior prior, ChoiceSpace space, int[] at) {
    List<Integer> options = space.options();
    int sum = options.stream().mapToInt(Integer::intValue).sum();
    double[] f = new double[2 + sum + options.size()];
    f[0] = 1;
    f[1] = (choiceLogCost(setting, space, at) - prior.meanLogCost()) / prior.sdLogCost();
    int offset = 2;
    for (int p = 0; p < at.length; p++) {
      f[offset + at[p]] = 1;
      offset += options.get(p);
      f[2 + sum + p] = prior.positionCost()[p][at[p]];
    }
    return f;
  }

  /** The log MACs of a choice vector, computed once per vector and setting. */
  private double choiceLogCost(Setting setting, ChoiceSpace space, int[] at) {
    return choiceCosts
        .computeIfAbsent(setting, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            space.index(at),
            i -> logCost(space.architecture(at, setting.input(), setting.numClasses())));
  }

  private double logCost(Architecture architecture) {
    return logCosts.computeIfAbsent(
        architecture, a -> Math.log((double) Math.max(1, Cost.of(a).macs())));
  }

  private int[] choicesOf(ChoiceSpace space, Architecture architecture) {
    int[] found = choices.get(architecture);
    if (found == null) {
      Optional<int[]> looked = space.choices(architecture);
      if (looked.isEmpty()) {
        return null;
      }
      found = looked.get();
      choices.put(architecture, found);
    }
    return found;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  @Override
  public String name() {
    return "surrogate(top=" + TOP + ", ridge)";
  }
}
