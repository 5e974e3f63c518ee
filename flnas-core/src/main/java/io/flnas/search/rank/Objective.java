package io.flnas.search.rank;

import io.flnas.search.Trial;
import io.flnas.space.DeploymentTarget;
import java.util.List;
import java.util.Optional;

/**
 * Ranks trials ("GetBestMetrics" in the paper). Only completed trials are ranked; the rest are left
 * out. Ready-made objectives live in {@link Objectives}.
 */
@FunctionalInterface
public interface Objective {

  /** Completed trials, best first, judged against the target's budgets. */
  List<Trial> rank(List<Trial> trials, DeploymentTarget target);

  /** The best completed trial, if any. */
  default Optional<Trial> best(List<Trial> trials, DeploymentTarget target) {
    List<Trial> ranked = rank(trials, target);
    return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
  }

  /** A name for journals and reports. */
  default String name() {
    return getClass().getSimpleName();
  }
}
