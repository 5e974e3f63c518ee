package io.flnas.search.design;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Shapes;
import io.flnas.arch.Violation;
import io.flnas.search.Problem;
import io.flnas.search.Trial;
import io.flnas.search.rank.Objective;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.SearchSpace;
import io.flnas.space.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything a designer may look at to propose the architecture of one trial.
 *
 * @param iteration the 1-based number of the trial being designed
 * @param history every ended trial so far, in trial order
 * @param best the best completed trial so far by the search's objective
 * @param random a generator seeded from the search seed and the trial number, so a resumed search
 *     proposes exactly what an uninterrupted one would
 * @param round the 1-based designer round (one request for all free slots)
 * @param running the trials handed to an executor and not ended yet
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
    Random random,
    int round,
    List<Trial> running) {

  public DesignContext {
    history = List.copyOf(history);
    running = List.copyOf(running);
  }

  /** A context of round {@code iteration} with nothing running (the sequential loop). */
  public DesignContext(
      int iteration,
      List<Trial> history,
      Optional<Trial> best,
      Problem problem,
      SearchSpace space,
      Template template,
      DeploymentTarget target,
      Objective objective,
      Random random) {
    this(
        iteration, history, best, problem, space, template, target, objective, random, iteration,
        List.of());
  }

  /** The best {@code k} completed trials, best first. */
  public List<Trial> top(int k) {
    return objective.rank(history, target).stream().limit(k).collect(Collectors.toList());
  }

  /** The last {@code k} trials that were rejected, failed or could not be designed, newest last. */
  public List<Trial> recentFailures(int k) {
    List<Trial> failures =
        history.stream().filter(t -> !t.completed()).collect(Collectors.toList());
    return failures.subList(Math.max(0, failures.size() - k), failures.size());
  }

  /** Whether an architecture with this hash was already proposed and evaluated. */
  public Optional<Trial> evaluated(String hash) {
    return history.stream()
        .filter(t -> t.evaluation().isPresent() && t.hash().filter(hash::equals).isPresent())
        .findFirst();
  }

  /**
   * The one check of a candidate, which designers use and the search trusts: the search space's
   * rules, the target's hard budgets, and whether it duplicates an evaluated or a running trial.
   */
  public Check check(Architecture candidate) {
    return check(
        candidate,
        space,
        target,
        hash ->
            Stream.concat(history.stream(), running.stream())
                .filter(
                    t ->
                        (t.evaluation().isPresent() || t.status() == Trial.Status.RUNNING)
                            && t.hash().filter(hash::equals).isPresent())
                .findFirst());
  }

  /**
   * The check itself, for a search's pipeline as for a designer: the violations of the space and
   * target, and the trial {@code twin} finds for the candidate's hash (an evaluated or a running
   * trial with the same architecture), if any.
   */
  public static Check check(
      Architecture candidate,
      SearchSpace space,
      DeploymentTarget target,
      Function<String, Optional<Trial>> twin) {
    return new Check(violations(candidate, space, target), twin.apply(candidate.hash()));
  }

  /** The search-space and budget violations of a candidate; empty when it may be trained. */
  public static List<Violation> violations(
      Architecture candidate, SearchSpace space, DeploymentTarget target) {
    List<Violation> violations = new ArrayList<>(space.validate(candidate));
    if (violations.isEmpty() || Shapes.infer(candidate).valid()) {
      violations.addAll(target.check(Cost.of(candidate)));
    }
    return violations;
  }

  /**
   * What {@link #check} found.
   *
   * @param violations broken rules and budgets; empty when the candidate may be trained
   * @param duplicateOf an evaluated or running trial with the same architecture
   */
  public record Check(List<Violation> violations, Optional<Trial> duplicateOf) {
    public Check {
      violations = List.copyOf(violations);
    }

    /** Valid and new. */
    public boolean accepted() {
      return violations.isEmpty() && duplicateOf.isEmpty();
    }

    /** One line for a journal or a model: the violations, or which trial it duplicates. */
    public String problem() {
      if (!violations.isEmpty()) {
        return "invalid: " + Violation.join(violations);
      }
      return duplicateOf
          .map(
              t ->
                  t.status() == Trial.Status.RUNNING
                      ? "duplicate of running trial " + t.iteration()
                      : "duplicate of trial " + t.iteration())
          .orElse("accepted");
    }
  }
}
