package io.flnas.search.design;

import com.google.common.base.Preconditions;
import io.flnas.search.Trial;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objective;
import io.flnas.space.DeploymentTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The population of an evolutionary designer, after FunSearch, OpenEvolve and ShinkaEvolve: islands
 * that evolve apart with periodic migration, and a MAP-Elites archive over two figures that keeps
 * the best trial of each cell of a grid, so that inspirations are diverse rather than the same few
 * leaders.
 *
 * <p>Everything is a function of the search's history and the settings: trial {@code n} was
 * designed on island {@code (n - 1) % islands}; after every {@code migrationInterval} trials
 * (counting ends, not completions), each island's best trial by then joins the next island (a
 * ring). So a resumed search, which replays its journal into the history, sees exactly the islands
 * and archive an uninterrupted one would, and nothing needs journaling beside the trials.
 *
 * <pre>{@code
 * Islands islands = Islands.of(context.history(), Islands.Settings.defaults(),
 *     context.objective(), context.target());
 * int island = islands.islandOf(context.iteration());
 * Optional<Trial> parent = islands.parent(island, context.random());
 * }</pre>
 */
public final class Islands {
  /**
   * How the population is kept.
   *
   * @param islands how many islands (≥ 1)
   * @param migrationInterval trials between migrations (≥ 1)
   * @param tournament trials drawn from an island to pick a parent (≥ 1)
   * @param x the archive's first figure
   * @param xBins cells along it
   * @param y the archive's second figure
   * @param yBins cells along it
   */
  public record Settings(
      int islands,
      int migrationInterval,
      int tournament,
      Metric x,
      int xBins,
      Metric y,
      int yBins) {
    public Settings {
      Preconditions.checkArgument(islands >= 1, "islands must be >= 1, but was %s", islands);
      Preconditions.checkArgument(
          migrationInterval >= 1, "migrationInterval must be >= 1, but was %s", migrationInterval);
      Preconditions.checkArgument(
          tournament >= 1, "tournament must be >= 1, but was %s", tournament);
      Preconditions.checkArgument(x != null && y != null, "archive figures must not be null");
      Preconditions.checkArgument(
          xBins >= 1 && yBins >= 1, "bins must be >= 1, but were %s, %s", xBins, yBins);
    }

    /**
     * Three islands, migration every 12 trials, tournaments of 3, and an archive of parameters (log
     * scale) by unfairness, 6 cells each.
     */
    public static Settings defaults() {
      return new Settings(3, 12, 3, Metric.PARAMETERS, 6, Metric.UNFAIRNESS, 6);
    }
  }

  /** A cell of the MAP-Elites grid. */
  public record Cell(int x, int y) {}

  private final Settings settings;
  private final Objective objective;
  private final DeploymentTarget target;
  private final List<List<Trial>> members;
  private final Map<Cell, Trial> elites;

  private Islands(
      Settings settings,
      Objective objective,
      DeploymentTarget target,
      List<List<Trial>> members,
      Map<Cell, Trial> elites) {
    this.settings = settings;
    this.objective = objective;
    this.target = target;
    this.members = members;
    this.elites = elites;
  }

  /** The islands and the archive that {@code history} (every ended trial, in order) built. */
  public static Islands of(
      List<Trial> history, Settings settings, Objective objective, DeploymentTarget target) {
    List<List<Trial>> members = new ArrayList<>();
    for (int i = 0; i < settings.islands(); i++) {
      members.add(new ArrayList<>());
    }
    List<Trial> ordered = new ArrayList<>(history);
    ordered.sort(Comparator.comparingInt(Trial::iteration));
    int nextMigration = settings.migrationInterval();
    for (Trial trial : ordered) {
      while (settings.islands() > 1 && trial.iteration() > nextMigration) {
        migrate(members, objective, target);
        nextMigration += settings.migrationInterval();
      }
      if (trial.completed() && trial.architecture().isPresent()) {
        members.get(islandOf(trial.iteration(), settings.islands())).add(trial);
      }
    }
    return new Islands(
        settings, objective, target, members, archive(ordered, settings, objective, target));
  }

  private static void migrate(
      List<List<Trial>> members, Objective objective, DeploymentTarget target) {
    List<Optional<Trial>> bests = new ArrayList<>();
    for (List<Trial> island : members) {
      bests.add(objective.best(island, target));
    }
    for (int i = 0; i < members.size(); i++) {
      Optional<Trial> migrant = bests.get(i);
      List<Trial> next = members.get((i + 1) % members.size());
      if (migrant.isPresent() && !next.contains(migrant.get())) {
        next.add(migrant.get());
      }
    }
  }

  private static Map<Cell, Trial> archive(
      List<Trial> ordered, Settings settings, Objective objective, DeploymentTarget target) {
    List<Trial> completed =
        ordered.stream()
            .filter(Trial::completed)
            .filter(t -> t.architecture().isPresent())
            .toList();
    double[] xs = range(completed, settings.x());
    double[] ys = range(completed, settings.y());
    Map<Cell, Trial> elites = new LinkedHashMap<>();
    for (Trial trial : completed) {
      Cell cell =
          new Cell(
              bin(settings.x(), trial, xs, settings.xBins()),
              bin(settings.y(), trial, ys, settings.yBins()));
      Trial held = elites.get(cell);
      if (held == null || objective.best(List.of(held, trial), target).orElse(held) == trial) {
        elites.put(cell, trial);
      }
    }
    return elites;
  }

  /** A figure as the archive places it: parameters, MACs and latency on a log scale. */
  private static double position(Metric metric, Trial trial) {
    double value = metric.value(trial.result());
    boolean logScale =
        metric == Metric.PARAMETERS || metric == Metric.MACS || metric == Metric.LATENCY;
    return logScale && value > 0 ? Math.log10(value) : value;
  }

  private static double[] range(List<Trial> trials, Metric metric) {
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Trial t : trials) {
      double v = position(metric, t);
      if (Double.isFinite(v)) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    return new double[] {low, high};
  }

  private static int bin(Metric metric, Trial trial, double[] range, int bins) {
    double v = position(metric, trial);
    if (!Double.isFinite(v) || !(range[1] > range[0])) {
      return 0; // not measured, or every trial alike: one cell along this figure
    }
    int at = (int) Math.floor((v - range[0]) / (range[1] - range[0]) * bins);
    return Math.min(bins - 1, Math.max(0, at));
  }

  /** The island that designs trial {@code iteration} (1-based). */
  public int islandOf(int iteration) {
    return islandOf(iteration, settings.islands());
  }

  private static int islandOf(int iteration, int islands) {
    return Math.floorMod(iteration - 1, islands);
  }

  /** The completed trials of an island, migrants included, in the order they joined. */
  public List<Trial> members(int island) {
    return List.copyOf(members.get(island));
  }

  /** The archive: the best trial of each occupied cell. */
  public Map<Cell, Trial> elites() {
    return Collections.unmodifiableMap(elites);
  }

  /**
   * The parent of the island's next child: the best of {@code tournament} members drawn at random;
   * empty while the island has none.
   */
  public Optional<Trial> parent(int island, Random random) {
    List<Trial> pool = members.get(island);
    if (pool.isEmpty()) {
      return Optional.empty();
    }
    List<Trial> drawn = new ArrayList<>();
    for (int i = 0; i < settings.tournament(); i++) {
      drawn.add(pool.get(random.nextInt(pool.size())));
    }
    return objective.best(drawn, target).or(() -> Optional.of(drawn.get(0)));
  }

  /**
   * Up to {@code k} inspirations for a child of {@code parent}: elites of other cells than the
   * parent's, drawn at random without repeats, best-ranked first.
   */
  public List<Trial> inspirations(Trial parent, int k, Random random) {
    List<Trial> others = new ArrayList<>();
    for (Trial elite : elites.values()) {
      if (elite != parent && !elite.hash().equals(parent.hash())) {
        others.add(elite);
      }
    }
    Collections.shuffle(others, random);
    List<Trial> chosen = new ArrayList<>(others.subList(0, Math.min(k, others.size())));
    return objective.rank(chosen, target);
  }

  public Settings settings() {
    return settings;
  }
}
