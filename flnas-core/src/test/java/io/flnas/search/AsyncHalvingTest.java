package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.arch.Shape;
import io.flnas.search.design.Designers;
import io.flnas.search.promote.Halving;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asynchronous successive halving (ASHA) in the search's pipeline. */
class AsyncHalvingTest {
  private static final Problem PROBLEM = new Problem("toy", Shape.image(3, 16, 16), 4);

  @TempDir Path dir;

  private Search.Builder search(HalvingTest.Learner learner, int trials, int parallelism) {
    return Search.builder(PROBLEM, learner)
        .designer(Designers.random())
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .objective(Objectives.lexicographic(Metric.ACCURACY))
        .maxIterations(trials)
        .seed(5)
        .parallelism(parallelism)
        .halving(Halving.of(1, 3, 9).checkpoints(dir.resolve("rungs")));
  }

  /**
   * One trial in flight, so the order is the schedule's: replays the calls and checks each one
   * against ASHA's rule. A rung starts only for a trial in the top third of those that ended the
   * rung below so far (at least the best one once nothing is left to design), highest rung first; a
   * new trial is designed only when nothing qualifies.
   */
  @Test
  void a_free_slot_promotes_a_trial_in_the_top_third_of_its_rung_before_designing() {
    HalvingTest.Learner learner = new HalvingTest.Learner();
    search(learner, 27, 1).build().run();

    List<String> calls = new ArrayList<>(learner.calls);
    List<List<String>> ended = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Set<String> promoted = new HashSet<>();
    int designed = 0;
    for (String call : calls) {
      String key = call.substring(0, call.indexOf(' '));
      int trial = Integer.parseInt(key.substring(0, key.indexOf('@')));
      int rung = Integer.parseInt(key.substring(key.indexOf('@') + 1));
      List<String> qualified = qualified(learner, ended, promoted, designed >= 27);
      if (rung == 0) {
        assertThat(qualified).as("designing trial %s while %s qualify", trial, qualified).isEmpty();
        designed++;
      } else {
        assertThat(qualified).as("rung %s of trial %s", rung, trial).isNotEmpty();
        assertThat(qualified.get(0))
            .as("the highest rung's best qualifying trial goes first")
            .isEqualTo(trial + "@" + (rung - 1));
        promoted.add(trial + "@" + (rung - 1));
      }
      ended.get(rung).add(key);
    }
    assertThat(qualified(learner, ended, promoted, true)).isEmpty();
    assertThat(designed).isEqualTo(27);
    // The designer kept designing while rungs ran: the first rung 2 before the last new trial.
    assertThat(indexOf(calls, "@2 ")).isLessThan(lastIndexOf(calls, "@0 "));
    assertThat(indexOf(calls, "@1 ")).isEqualTo(3);
  }

  /** What ASHA may promote now, highest rung first, best first within a rung. */
  private static List<String> qualified(
      HalvingTest.Learner learner, List<List<String>> ended, Set<String> promoted, boolean last) {
    List<String> answer = new ArrayList<>();
    for (int r = 1; r >= 0; r--) {
      List<String> rung = new ArrayList<>(ended.get(r));
      rung.sort(
          Comparator.comparingDouble((String k) -> -learner.accuracies.get(k))
              .thenComparingInt(k -> Integer.parseInt(k.substring(0, k.indexOf('@')))));
      int quota = last ? Math.max(rung.isEmpty() ? 0 : 1, rung.size() / 3) : rung.size() / 3;
      rung.stream().limit(quota).filter(k -> !promoted.contains(k)).forEach(answer::add);
      if (!answer.isEmpty() && !last) {
        return answer;
      }
      if (!answer.isEmpty()) {
        return answer;
      }
    }
    return answer;
  }

  private static int indexOf(List<String> calls, String part) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<String> calls, String part) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (calls.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void with_trials_in_parallel_rungs_run_while_new_trials_are_designed() {
    HalvingTest.Learner learner = new HalvingTest.Learner();
    learner.millisPerEpoch = 15;

    SearchResult result = search(learner, 18, 3).build().run();

    List<String> calls = new ArrayList<>(learner.calls);
    assertThat(calls.stream().filter(c -> c.contains("@0 from 0")).count()).isEqualTo(18);
    assertThat(indexOf(calls, "@1 ")).isLessThan(lastIndexOf(calls, "@0 "));
    assertThat(calls).filteredOn(c -> c.contains("@1 ")).allMatch(c -> c.endsWith("from 1"));
    assertThat(calls)
        .filteredOn(c -> c.contains("@2 "))
        .isNotEmpty()
        .allMatch(c -> c.endsWith("from 3"));
    assertThat(result.history()).hasSize(18).allSatisfy(t -> assertThat(t.completed()).isTrue());
    // Each figure says how long it trained: 1, 3 or 9 epochs in all.
    assertThat(result.history())
        .allSatisfy(
            t -> assertThat(t.result().epochs()).isEqualTo(learner.totalEpochs.get(t.iteration())));
    assertThat(result.best().orElseThrow().result().epochs()).isEqualTo(9);
  }

  @Test
  void a_resumed_asynchronous_search_ends_as_an_uninterrupted_one() {
    List<String> expected =
        search(new HalvingTest.Learner(), 12, 1)
            .halving(Halving.of(1, 3, 9).checkpoints(dir.resolve("other")))
            .build()
            .run()
            .history()
            .stream()
            .map(Trial::summary)
            .toList();

    Path journal = dir.resolve("journal.jsonl");
    HalvingTest.Learner dying = new HalvingTest.Learner();
    dying.dieAtRung = 2;
    assertThatThrownBy(() -> search(dying, 12, 1).journal(journal).build().run())
        .isInstanceOf(OutOfMemoryError.class);

    HalvingTest.Learner resumed = new HalvingTest.Learner();
    List<String> history =
        search(resumed, 12, 1).journal(journal).build().run().history().stream()
            .map(Trial::summary)
            .toList();

    assertThat(resumed.calls.get(0)).contains("@2 from 3");
    assertThat(history).isEqualTo(expected);
  }

  @Test
  void a_pareto_objective_promotes_by_front_then_crowding() {
    HalvingTest.Learner learner = new HalvingTest.Learner();
    SearchResult result =
        search(learner, 9, 1)
            .halving(Halving.of(1, 3, 9).synchronous().checkpoints(dir.resolve("p")))
            .objective(Objectives.pareto(Metric.ACCURACY, Metric.UNFAIRNESS))
            .build()
            .run();

    List<Integer> rungOne =
        learner.calls.stream()
            .filter(c -> c.contains("@1 "))
            .map(c -> Integer.parseInt(c.substring(0, c.indexOf('@'))))
            .sorted()
            .toList();
    // At rung 0 every trial had trained one epoch: rank those evaluations as the rung did.
    List<Trial> atRungZero =
        result.history().stream().map(t -> t.withEvaluation(t.result().withEpochs(1))).toList();
    List<Trial> firstFront = Objectives.paretoFront(atRungZero, Metric.ACCURACY, Metric.UNFAIRNESS);
    assertThat(rungOne).hasSize(3);
    assertThat(firstFront).isNotEmpty();
    assertThat(rungOne).containsAnyElementsOf(firstFront.stream().map(Trial::iteration).toList());
  }

  @Test
  void a_stream_built_but_never_pulled_trains_nothing() {
    HalvingTest.Learner learner = new HalvingTest.Learner();
    AtomicInteger designed = new AtomicInteger();
    Path journal = dir.resolve("lazy.jsonl");
    Search search =
        search(learner, 3, 2)
            .journal(journal)
            .listener(
                new SearchListener() {
                  @Override
                  public void trialStarted(int iteration) {
                    designed.incrementAndGet();
                  }
                })
            .build();

    try (Stream<Trial> trials = search.stream()) {
      assertThat(learner.calls).isEmpty();
    }
    assertThat(learner.calls).isEmpty();
    assertThat(designed).hasValue(0);
    assertThat(Files.exists(journal)).isFalse();

    // Asking whether a trial comes, however often, designs and trains nothing.
    Pipeline pipeline = search.pipeline();
    for (int i = 0; i < 3; i++) {
      assertThat(pipeline.hasNext()).isTrue();
    }
    assertThat(learner.calls).isEmpty();
    assertThat(designed).hasValue(0);
    Trial first = pipeline.next();
    assertThat(first.completed()).isTrue();
    assertThat(designed).hasValue(2);
    for (int i = 0; i < 3; i++) {
      assertThat(pipeline.hasNext()).isTrue();
    }
    assertThat(designed).hasValue(2);
    pipeline.finish(false);
  }
}
