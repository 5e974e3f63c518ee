package io.flnas.search;

import io.flnas.space.DeploymentTarget;
import io.flnas.space.SearchSpace;
import io.flnas.space.Template;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Everything a designer may look at to propose the next architecture.
 *
 * @param iteration the 1-based iteration being designed
 * @param history every trial so far, in order
 * @param best the best completed trial so far by the search's objective
 * @param random a generator seeded from the search seed and the iteration, so a resumed search
 *     proposes exactly what an uninterrupted one would
 */
public record DesignContext(
    int iteration,
    List<Trial> history,
    Optional<Trial> best,
    Problem problem,
    SearchSpace space,
    Template template,
    DeploymentTarget target,
    Objective objective,
    Random random) {

  public DesignContext {
    history = List.copyOf(history);
  }

  /** The best {@code k} completed trials, best first. */
  public List<Trial> top(int k) {
    return objective.rank(history, target).stream().limit(k).collect(Collectors.toList());
  }

  /** The last {@code k} trials that were rejected, failed or could not be designed, newest last. */
  public List<Trial> recentFailures(int k) {
    List<Trial> failures = history.stream().filter(t -> !t.completed())
        .collect(Collectors.toList());
    return failures.subList(Math.max(0, failures.size() - k), failures.size());
  }

  /** Whether an architecture with this hash was already proposed and evaluated. */
  public Optional<Trial> evaluated(String hash) {
    return history.stream()
        .filter(t -> t.evaluation().isPresent() && t.hash().filter(hash::equals).isPresent())
        .findFirst();
  }
}
