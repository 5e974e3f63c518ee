package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Shape;
import io.flnas.search.design.Designers;
import io.flnas.search.design.Islands;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objective;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IslandsTest {
  static final Islands.Settings SETTINGS =
      new Islands.Settings(3, 6, 2, Metric.PARAMETERS, 4, Metric.UNFAIRNESS, 4);
  final Objective objective = Objectives.flNas();
  final DeploymentTarget target = DeploymentTargets.unconstrained();
  List<Trial> history;

  @BeforeAll
  void search() {
    Problem problem = new Problem("toy lesions", Shape.image(3, 16, 16), 4);
    history =
        Search.builder(problem, new CheapEvaluator())
            .designer(Designers.random())
            .space(SearchSpaces.tiny())
            .target(target)
            .objective(objective)
            .maxIterations(20)
            .seed(3)
            .build()
            .run()
            .history();
    assertThat(history).hasSize(20);
  }

  @Test
  void each_trial_belongs_to_the_island_that_designed_it_in_a_ring() {
    Islands islands = Islands.of(history, SETTINGS, objective, target);
    for (Trial t : history) {
      assertThat(islands.islandOf(t.iteration())).isEqualTo((t.iteration() - 1) % 3);
      if (t.completed()) {
        assertThat(islands.members(islands.islandOf(t.iteration()))).contains(t);
      }
    }
  }

  @Test
  void after_each_interval_the_best_of_every_island_joins_the_next() {
    Islands islands = Islands.of(history, SETTINGS, objective, target);
    for (int island = 0; island < 3; island++) {
      int from = (island + 2) % 3;
      List<Trial> firstSix =
          history.stream()
              .filter(Trial::completed)
              .filter(t -> t.iteration() <= 6 && (t.iteration() - 1) % 3 == from)
              .toList();
      Trial bestOfSix = objective.best(firstSix, target).orElseThrow();
      assertThat(islands.members(island))
          .as("island %s holds the best of island %s by trial 6", island, from)
          .contains(bestOfSix);
      int home = island;
      List<Trial> migrants =
          islands.members(island).stream().filter(t -> (t.iteration() - 1) % 3 != home).toList();
      assertThat(migrants)
          .as("one migrant per migration (trials 6, 12 and 18) at most")
          .hasSizeBetween(1, 3)
          .allMatch(t -> t.iteration() <= 18, "ended by the last migration");
    }
    Islands alone =
        Islands.of(
            history,
            new Islands.Settings(3, 100, 2, Metric.PARAMETERS, 4, Metric.UNFAIRNESS, 4),
            objective,
            target);
    for (int island = 0; island < 3; island++) {
      int own = island;
      assertThat(alone.members(island)).allMatch(t -> (t.iteration() - 1) % 3 == own);
    }
  }

  @Test
  void the_archive_keeps_one_best_trial_per_cell_and_the_overall_best_among_them() {
    Islands islands = Islands.of(history, SETTINGS, objective, target);
    var elites = islands.elites();
    assertThat(elites.size()).isBetween(2, 16);
    assertThat(elites.values()).doesNotHaveDuplicates();
    Trial best = objective.best(history, target).orElseThrow();
    assertThat(elites.values()).contains(best);
    for (var entry : elites.entrySet()) {
      assertThat(entry.getKey().x()).isBetween(0, 3);
      assertThat(entry.getKey().y()).isBetween(0, 3);
    }
  }

  @Test
  void parents_and_inspirations_follow_from_history_and_seed_alone() {
    Islands islands = Islands.of(history, SETTINGS, objective, target);
    List<Trial> shuffled = new ArrayList<>(history);
    Collections.shuffle(shuffled, new Random(1));
    Islands again = Islands.of(shuffled, SETTINGS, objective, target);
    for (int island = 0; island < 3; island++) {
      assertThat(again.members(island)).isEqualTo(islands.members(island));
      Trial parent = islands.parent(island, new Random(island)).orElseThrow();
      assertThat(islands.members(island)).contains(parent);
      assertThat(again.parent(island, new Random(island))).contains(parent);
      List<Trial> inspirations = islands.inspirations(parent, 2, new Random(7));
      assertThat(inspirations)
          .hasSizeLessThanOrEqualTo(2)
          .doesNotContain(parent)
          .isSubsetOf(islands.elites().values());
      assertThat(again.inspirations(parent, 2, new Random(7))).isEqualTo(inspirations);
    }
    assertThat(Islands.of(List.of(), SETTINGS, objective, target).parent(0, new Random(1)))
        .isEmpty();
  }
}
