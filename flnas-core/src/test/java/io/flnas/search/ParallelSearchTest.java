package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flnas.DesignerException;
import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.search.design.Proposal;
import io.flnas.search.journal.Journal;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelSearchTest {
  private static final Shape INPUT = Shape.image(3, 16, 16);
  private static final Problem PROBLEM = new Problem("toy skin lesions", INPUT, 4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Search.Builder builder(Evaluator evaluator) {
    return Search.builder(PROBLEM, evaluator)
        .designer(Designers.random())
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(12)
        .seed(11);
  }

  /** The cheap evaluator, made slow for the first trial of every three so later ones end first. */
  private static Evaluator staggered(CheapEvaluator cheap, List<Integer> endOrder) {
    return new Evaluator() {
      @Override
      public Evaluation evaluate(Architecture architecture) {
        int trial = Integer.parseInt(architecture.name().substring("trial-".length()));
        sleep(trial % 3 == 1 ? 60 : 5);
        endOrder.add(trial);
        return cheap.evaluate(architecture);
      }

      @Override
      public String name() {
        return cheap.name();
      }
    };
  }

  private static List<String> trials(List<Trial> history) {
    return history.stream()
        .map(
            t ->
                t.iteration()
                    + " "
                    + t.status()
                    + " "
                    + t.hash().orElse("-")
                    + " "
                    + t.evaluation().map(e -> e.accuracy() + " " + e.unfairness()).orElse("-"))
        .collect(Collectors.toList());
  }

  @Test
  void three_in_flight_complete_every_trial_with_the_sequential_results_whatever_the_order()
      throws Exception {
    SearchResult sequential = builder(new CheapEvaluator()).build().run();

    List<Integer> endOrder = new CopyOnWriteArrayList<>();
    Path journal = dir.resolve("parallel.jsonl");
    SearchResult parallel =
        builder(staggered(new CheapEvaluator(), endOrder))
            .parallelism(3)
            .journal(journal)
            .build()
            .run();

    assertThat(trials(parallel.history())).isEqualTo(trials(sequential.history()));
    assertThat(endOrder)
        .as("trials ended out of order")
        .isNotEqualTo(endOrder.stream().sorted().collect(Collectors.toList()));
    // the journal has a started and an end line per evaluated trial, ends in completion order
    List<String> types = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (String line : Files.readAllLines(journal).subList(1, Files.readAllLines(journal).size())) {
      var node = JSON.readTree(line);
      types.add(node.get("type").asText());
      if (node.get("type").asText().equals("trial")) {
        ends.add(node.get("iteration").asInt());
      }
    }
    assertThat(types.stream().filter("started"::equals).count())
        .isEqualTo(parallel.history().stream().filter(t -> t.duplicateOf().isEmpty()).count());
    assertThat(ends)
        .containsExactlyInAnyOrderElementsOf(
            parallel.history().stream().map(Trial::iteration).toList())
        .isNotEqualTo(ends.stream().sorted().toList());
    assertThat(parallel.history()).allSatisfy(t -> assertThat(t.round()).isBetween(1, 12));
    assertThat(parallel.history().stream().map(Trial::round).distinct().count())
        .as("rounds of several proposals")
        .isLessThan(12);
  }

  @Test
  void a_resume_runs_the_running_trials_again_without_designing_them_again() throws Exception {
    SearchResult uninterrupted = builder(new CheapEvaluator()).build().run();

    // given a run cut short after 4 trials ended while later ones were running
    Path journal = dir.resolve("cut.jsonl");
    Set<Integer> never = Set.of(5, 6);
    CheapEvaluator cheap = new CheapEvaluator();
    TrialExecutor stuck =
        new TrialExecutor() {
          @Override
          public CompletableFuture<Execution> submit(TrialTask task) {
            if (never.contains(task.trial())) {
              return new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(
                new Execution(cheap.evaluate(task.architecture()), List.of()));
          }

          @Override
          public String evaluatorName() {
            return cheap.name();
          }
        };
    try (Stream<Trial> trials =
        Search.builder(PROBLEM, stuck)
            .designer(Designers.random())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(12)
            .seed(11)
            .parallelism(3)
            .journal(journal)
            .build()
            .stream()) {
      assertThat(trials.limit(4).map(Trial::iteration).toList()).containsExactly(1, 2, 3, 4);
    }
    Journal reopened = Journal.open(journal, builder(cheap).build().fingerprint());
    assertThat(reopened.running()).extracting(Trial::iteration).containsExactly(5, 6);
    assertThat(reopened.running())
        .allSatisfy(t -> assertThat(t.status()).isEqualTo(Trial.Status.RUNNING));

    // when resumed with a designer that records which trials it designs
    List<Integer> designed = new CopyOnWriteArrayList<>();
    Designer random = Designers.random();
    Designer recording =
        new Designer() {
          @Override
          public Proposal propose(DesignContext context) {
            designed.add(context.iteration());
            return random.propose(context);
          }

          @Override
          public String name() {
            return random.name();
          }
        };
    CheapEvaluator resumedEvaluator = new CheapEvaluator();
    SearchResult resumed =
        builder(resumedEvaluator).designer(recording).parallelism(2).journal(journal).build().run();

    assertThat(designed).doesNotContain(1, 2, 3, 4, 5, 6).contains(7, 12);
    assertThat(trials(resumed.history())).isEqualTo(trials(uninterrupted.history()));
    assertThat(trials(Journal.readTrials(journal))).isEqualTo(trials(uninterrupted.history()));
  }

  @Test
  void a_stop_rule_ends_the_search_after_awaiting_the_trials_in_flight() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    SearchResult result =
        builder(staggered(new CheapEvaluator(), new CopyOnWriteArrayList<>()))
            .parallelism(3)
            .stopWhen(StopRules.trials(4))
            .listener(
                new SearchListener() {
                  @Override
                  public void searchFinished(SearchResult r) {
                    events.add("finished " + r.history().size());
                  }
                })
            .build()
            .run();

    assertThat(result.stopReason()).contains("4 trials ended");
    assertThat(result.history().size()).isBetween(4, 6);
    assertThat(result.history())
        .allSatisfy(t -> assertThat(t.status()).isNotEqualTo(Trial.Status.RUNNING));
    assertThat(events).containsExactly("finished " + result.history().size());
  }

  @Test
  void a_closed_stream_still_tells_the_listeners_the_search_finished() {
    List<String> events = new CopyOnWriteArrayList<>();
    Search search =
        builder(new CheapEvaluator())
            .parallelism(2)
            .listener(
                new SearchListener() {
                  @Override
                  public void searchFinished(SearchResult r) {
                    events.add("finished " + r.history().size());
                  }
                })
            .build();
    try (Stream<Trial> trials = search.stream()) {
      assertThat(trials.limit(3).count()).isEqualTo(3);
    }
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).matches("finished [3-4]");
  }

  @Test
  void a_duplicate_of_a_running_trial_waits_for_it_and_is_not_trained_twice() {
    Architecture cnn = ReferenceArchitectures.smallCnn(INPUT, 4);
    CheapEvaluator cheap = new CheapEvaluator();
    SearchResult result =
        Search.builder(PROBLEM, cheap)
            .designer(Designers.fixed(List.of(cnn, cnn, cnn)))
            .target(DeploymentTargets.a10())
            .maxIterations(3)
            .parallelism(3)
            .build()
            .run();

    assertThat(cheap.calls()).isEqualTo(1);
    assertThat(result.history())
        .extracting(t -> t.duplicateOf().orElse(0))
        .containsExactly(0, 1, 1);
    assertThat(result.history()).allSatisfy(t -> assertThat(t.completed()).isTrue());
  }

  @Test
  void a_failed_slot_of_a_batch_does_not_lose_the_other_slots() {
    Designer flaky =
        context -> {
          if (context.iteration() % 2 == 0) {
            throw new DesignerException("no idea for trial " + context.iteration());
          }
          return Designers.random().propose(context);
        };
    SearchResult result =
        builder(new CheapEvaluator()).designer(flaky).parallelism(4).maxIterations(8).build().run();

    assertThat(result.history())
        .extracting(Trial::status)
        .containsExactly(
            Trial.Status.COMPLETED,
            Trial.Status.DESIGN_FAILED,
            Trial.Status.COMPLETED,
            Trial.Status.DESIGN_FAILED,
            Trial.Status.COMPLETED,
            Trial.Status.DESIGN_FAILED,
            Trial.Status.COMPLETED,
            Trial.Status.DESIGN_FAILED);
    assertThat(result.history().get(1).reason()).contains("no idea for trial 2");
  }

  @Test
  void the_core_check_names_duplicates_of_evaluated_and_running_trials() {
    Architecture cnn = ReferenceArchitectures.smallCnn(INPUT, 4);
    Trial running =
        new Trial(
            3,
            "x",
            Optional.of(cnn),
            Trial.Status.RUNNING,
            Optional.empty(),
            Optional.empty(),
            java.util.OptionalInt.empty(),
            List.of(),
            0,
            2,
            List.of());
    DesignContext context =
        new DesignContext(
            4,
            List.of(),
            Optional.empty(),
            PROBLEM,
            SearchSpaces.paperCnn(),
            io.flnas.space.Templates.json(),
            DeploymentTargets.a10(),
            Objectives.flNas(),
            new java.util.Random(1),
            2,
            List.of(running));

    assertThat(context.check(cnn).problem()).isEqualTo("duplicate of running trial 3");
    assertThat(context.check(cnn).accepted()).isFalse();
    Architecture big = ReferenceArchitectures.resnet18(INPUT, 4);
    assertThat(context.check(big).problem()).startsWith("invalid: ");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
