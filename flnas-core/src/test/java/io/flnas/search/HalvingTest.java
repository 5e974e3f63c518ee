package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.design.Designers;
import io.flnas.search.journal.Journal;
import io.flnas.search.promote.Halving;
import io.flnas.search.promote.RungEvaluator;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalvingTest {
  private static final Problem PROBLEM = new Problem("toy", Shape.image(3, 16, 16), 4);

  @TempDir Path dir;

  /**
   * Learns like a real network: validation accuracy approaches the cheap evaluator's figure as the
   * epochs in all grow. It writes its epochs in all to {@code rung.to()} and reads them back from
   * {@code rung.from()}, so a rung that did not continue from its weights shows.
   */
  static final class Learner implements RungEvaluator {
    final CheapEvaluator cheap = new CheapEvaluator();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Integer, Integer> totalEpochs = new ConcurrentHashMap<>();

    /** Validation accuracy of each {@code trial@rung}. */
    final Map<String, Double> accuracies = new ConcurrentHashMap<>();

    volatile int dieAtRung = -1;
    volatile long millisPerEpoch;

    @Override
    public Evaluation evaluate(Architecture architecture) {
      throw new AssertionError("halving trains in rungs");
    }

    @Override
    public Evaluation evaluate(Architecture architecture, Rung rung, EpochListener epochs) {
      if (rung.index() == dieAtRung) {
        throw new OutOfMemoryError("killed in rung " + rung.index());
      }
      int trial = Integer.parseInt(architecture.name().substring("trial-".length()));
      int before = rung.from().map(HalvingTest::read).orElse(0);
      int total = before + rung.epochs();
      write(rung.to(), total);
      calls.add(trial + "@" + rung.index() + " from " + before);
      totalEpochs.merge(trial, rung.epochs(), Integer::sum);
      Evaluation full = cheap.evaluate(architecture);
      double accuracy = full.accuracy() * (1 - Math.pow(0.5, total));
      accuracies.put(trial + "@" + rung.index(), accuracy);
      if (millisPerEpoch > 0) {
        try {
          Thread.sleep(millisPerEpoch * rung.epochs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return new Evaluation(
          full.train(),
          new SplitMetrics(1 - accuracy, accuracy),
          full.test(),
          rung.epochs(),
          0.1,
          full.validationFairness(),
          full.testFairness(),
          full.hardware(),
          java.util.Optional.empty());
    }

    @Override
    public String name() {
      return "learner";
    }
  }

  private static int read(Path file) {
    try {
      return Integer.parseInt(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, int epochs) {
    try {
      Files.writeString(file, Integer.toString(epochs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Search.Builder search(Learner learner) {
    return Search.builder(PROBLEM, learner)
        .designer(Designers.random())
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(9)
        .seed(2)
        .parallelism(3)
        .halving(Halving.of(1, 3, 9).synchronous().checkpoints(dir.resolve("rungs")));
  }

  /** The synchronous schedule: all of rung 0, then the best third, rung by rung. */
  @Test
  void the_best_third_of_each_rung_goes_on_from_its_own_weights() {
    Learner learner = new Learner();

    SearchResult result = search(learner).build().run();

    assertThat(Halving.of(1, 3, 9).rungEpochs()).containsExactly(1, 3, 9);
    // rung 0: all nine, one epoch, fresh
    assertThat(learner.calls.stream().filter(c -> c.contains("@0 from 0")).count()).isEqualTo(9);
    // rung 1: the best three by the objective at rung 0, continuing from 1 epoch
    List<Integer> rungOne = trialsAt(learner, 1);
    List<Integer> bestAtZero =
        Objectives.flNas()
            .rank(
                result.history().stream()
                    .map(t -> t.withEvaluation(rungZero(learner, t)))
                    .collect(Collectors.toList()),
                DeploymentTargets.unconstrained())
            .stream()
            .limit(3)
            .map(Trial::iteration)
            .toList();
    assertThat(rungOne).containsExactlyInAnyOrderElementsOf(bestAtZero);
    assertThat(learner.calls)
        .filteredOn(c -> c.contains("@1 "))
        .allMatch(c -> c.endsWith("from 1"));
    // rung 2: one of those three, continuing from 3 epochs, ends at 9
    List<Integer> rungTwo = trialsAt(learner, 2);
    assertThat(rungTwo).hasSize(1);
    assertThat(rungOne).contains(rungTwo.get(0));
    assertThat(learner.calls)
        .filteredOn(c -> c.contains("@2 "))
        .singleElement()
        .satisfies(c -> assertThat(c).endsWith("from 3"));
    assertThat(learner.totalEpochs.get(rungTwo.get(0))).isEqualTo(9);
    // 9 + 3 x 2 + 6 = 21 epochs instead of 81, and the winner trained fully
    assertThat(learner.totalEpochs.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(21);
    assertThat(result.best().orElseThrow().iteration()).isEqualTo(rungTwo.get(0));
    assertThat(result.history()).allSatisfy(t -> assertThat(t.completed()).isTrue());
  }

  private static Evaluation rungZero(Learner learner, Trial t) {
    Evaluation full = learner.cheap.evaluate(t.architecture().orElseThrow());
    double accuracy = full.accuracy() * 0.5;
    return new Evaluation(
        full.train(),
        new SplitMetrics(1 - accuracy, accuracy),
        full.test(),
        1,
        0.1,
        full.validationFairness(),
        full.testFairness(),
        full.hardware(),
        java.util.Optional.empty());
  }

  private static List<Integer> trialsAt(Learner learner, int rung) {
    return learner.calls.stream()
        .filter(c -> c.contains("@" + rung + " "))
        .map(c -> Integer.parseInt(c.substring(0, c.indexOf('@'))))
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  @Test
  void a_resume_in_the_middle_of_a_rung_continues_it_from_the_rung_before() {
    Learner uninterrupted = new Learner();
    List<String> expected =
        search(uninterrupted)
            .halving(Halving.of(1, 3, 9).synchronous().checkpoints(dir.resolve("other")))
            .build()
            .run()
            .history()
            .stream()
            .map(Trial::summary)
            .toList();

    Path journal = dir.resolve("journal.jsonl");
    Learner dying = new Learner();
    dying.dieAtRung = 2;
    assertThatThrownBy(() -> search(dying).journal(journal).build().run())
        .isInstanceOf(OutOfMemoryError.class);
    Journal opened =
        Journal.open(journal, search(new Learner()).journal(journal).build().fingerprint());
    assertThat(opened.rungs()).anyMatch(r -> r.rung() == 2 && r.evaluation().isEmpty());

    Learner resumed = new Learner();
    List<String> history =
        search(resumed).journal(journal).build().run().history().stream()
            .map(Trial::summary)
            .toList();

    assertThat(resumed.calls).singleElement().satisfies(c -> assertThat(c).contains("@2 from 3"));
    assertThat(history).isEqualTo(expected);
  }

  @Test
  void halving_needs_an_evaluator_that_trains_in_rungs() {
    assertThatThrownBy(
            () -> Search.builder(PROBLEM, new CheapEvaluator()).halving(Halving.of(1, 3, 9)))
        .hasMessage(
            "successive halving needs an evaluator that"
                + " can continue a trial from its weights (a RungEvaluator), which cheap is not");
  }
}
