package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.BudgetExhaustedException;
import io.flnas.DesignerException;
import io.flnas.JournalMismatchException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.metrics.Evaluation;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.search.design.Proposal;
import io.flnas.search.journal.Journal;
import io.flnas.search.journal.TrialJson;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchTest {
  private static final Shape INPUT = Shape.image(3, 16, 16);
  private static final Problem PROBLEM = new Problem("toy skin lesions", INPUT, 4);

  @TempDir Path dir;

  private Search.Builder builder(CheapEvaluator evaluator) {
    return Search.builder(PROBLEM, evaluator)
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(12)
        .seed(3);
  }

  @Test
  void offline_evolution_search_runs_end_to_end() {
    CheapEvaluator evaluator = new CheapEvaluator();
    List<String> events = new ArrayList<>();
    SearchListener listener =
        new SearchListener() {
          @Override
          public void searchStarted(int maxIterations, List<Trial> restored) {
            events.add("start " + maxIterations);
          }

          @Override
          public void trialFinished(Trial trial, Optional<Trial> best) {
            events.add("trial " + trial.iteration());
          }

          @Override
          public void searchFinished(SearchResult result) {
            events.add("end");
          }
        };

    SearchResult result =
        builder(evaluator).designer(Designers.evolution(4, 2)).listener(listener).build().run();

    assertThat(result.history()).hasSize(12);
    assertThat(result.history())
        .extracting(Trial::iteration)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(result.best()).isPresent();
    Trial best = result.best().get();
    double bestAccuracy =
        result.completed().stream().mapToDouble(t -> t.result().accuracy()).max().orElseThrow();
    assertThat(best.result().accuracy()).isGreaterThanOrEqualTo(bestAccuracy - 0.01);
    assertThat(result.paretoFront()).contains(best);
    assertThat(events).startsWith("start 12", "trial 1").endsWith("trial 12", "end");
    assertThat(evaluator.calls()).isLessThanOrEqualTo(12);
  }

  @Test
  void same_seed_gives_the_same_history_and_another_seed_does_not() {
    List<String> a =
        hashes(builder(new CheapEvaluator()).designer(Designers.random()).build().run());
    List<String> b =
        hashes(builder(new CheapEvaluator()).designer(Designers.random()).build().run());
    List<String> c =
        hashes(builder(new CheapEvaluator()).designer(Designers.random()).seed(4).build().run());

    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void rejects_over_budget_and_out_of_space_proposals_before_training() {
    CheapEvaluator evaluator = new CheapEvaluator();
    Architecture big = ReferenceArchitectures.resnet18(INPUT, 4);
    Architecture tiny = ReferenceArchitectures.smallCnn(INPUT, 4);

    SearchResult result =
        Search.builder(PROBLEM, evaluator)
            .designer(Designers.fixed(List.of(big, tiny)))
            .target(DeploymentTargets.raspberryPi4())
            .maxIterations(2)
            .build()
            .run();

    Trial rejected = result.history().get(0);
    assertThat(rejected.status()).isEqualTo(Trial.Status.REJECTED);
    assertThat(rejected.reason())
        .get()
        .asString()
        .contains("rejected before training", "parameters must be at most 5000000");
    assertThat(result.history().get(1).status()).isEqualTo(Trial.Status.COMPLETED);
    assertThat(evaluator.calls()).isEqualTo(1);
  }

  @Test
  void a_repeated_proposal_reuses_the_evaluation_and_is_not_trained_twice() {
    CheapEvaluator evaluator = new CheapEvaluator();
    Architecture cnn = ReferenceArchitectures.smallCnn(INPUT, 4);

    SearchResult result =
        Search.builder(PROBLEM, evaluator)
            .designer(Designers.fixed(List.of(cnn)))
            .maxIterations(3)
            .build()
            .run();

    assertThat(evaluator.calls()).isEqualTo(1);
    assertThat(result.history()).extracting(Trial::status).containsOnly(Trial.Status.COMPLETED);
    assertThat(result.history().get(2).duplicateOf()).hasValue(1);
    assertThat(result.history().get(2).result()).isEqualTo(result.history().get(0).result());
  }

  @Test
  void a_failing_evaluator_marks_the_trial_failed_and_the_search_goes_on() {
    Architecture a = ReferenceArchitectures.smallCnn(INPUT, 4);
    Architecture b = a.withLayers(replaceFirstConv(a, Layer.Conv2d.of(16, 3, 1)));
    Architecture c = a.withLayers(replaceFirstConv(a, Layer.Conv2d.of(24, 3, 1)));
    CheapEvaluator cheap = new CheapEvaluator();
    Evaluator flaky =
        arch -> {
          if (arch.sameStructure(a)) {
            throw new IllegalStateException("out of memory in conv 1");
          }
          if (arch.sameStructure(b)) {
            return Evaluation.failed("training loss became NaN at epoch 2", null);
          }
          return cheap.evaluate(arch);
        };

    SearchResult result =
        Search.builder(PROBLEM, flaky)
            .designer(Designers.fixed(List.of(a, b, c)))
            .space(SearchSpaces.paperCnn())
            .maxIterations(3)
            .build()
            .run();

    assertThat(result.history())
        .extracting(Trial::status)
        .containsExactly(Trial.Status.FAILED, Trial.Status.FAILED, Trial.Status.COMPLETED);
    assertThat(result.history().get(0).reason())
        .get()
        .asString()
        .contains("out of memory in conv 1");
    assertThat(result.history().get(1).reason()).hasValue("training loss became NaN at epoch 2");
    assertThat(result.best()).get().extracting(Trial::iteration).isEqualTo(3);
  }

  @Test
  void a_designer_failure_fails_only_its_iteration_unless_every_iteration_fails() {
    int[] calls = {0};
    Designer sometimes =
        context -> {
          if (calls[0]++ % 2 == 0) {
            throw new DesignerException("reply 3 still had a 9x9 kernel");
          }
          return Proposal.of(ReferenceArchitectures.smallCnn(INPUT, 4));
        };
    Designer never =
        context -> {
          throw new DesignerException("model refused");
        };

    SearchResult result =
        Search.builder(PROBLEM, new CheapEvaluator())
            .designer(sometimes)
            .maxIterations(4)
            .build()
            .run();

    assertThat(result.history())
        .extracting(Trial::status)
        .containsExactly(
            Trial.Status.DESIGN_FAILED,
            Trial.Status.COMPLETED,
            Trial.Status.DESIGN_FAILED,
            Trial.Status.COMPLETED);
    assertThat(result.history().get(0).reason()).hasValue("reply 3 still had a 9x9 kernel");
    assertThatThrownBy(
            () ->
                Search.builder(PROBLEM, new CheapEvaluator())
                    .designer(never)
                    .maxIterations(2)
                    .build()
                    .run())
        .isInstanceOf(DesignerException.class)
        .hasMessageContaining("every one of the 2 trials failed")
        .hasMessageContaining("model refused");
  }

  @Test
  void a_spent_budget_stops_the_search_cleanly_with_results_saved() {
    Path journal = dir.resolve("budget.jsonl");
    int[] calls = {0};
    Designer paid =
        context -> {
          if (++calls[0] > 2) {
            throw new BudgetExhaustedException("token budget of 1000 spent (1042 used)");
          }
          return Proposal.of(SearchSpaces.tiny().sample(context.random(), INPUT, 4));
        };

    SearchResult result =
        Search.builder(PROBLEM, new CheapEvaluator())
            .designer(paid)
            .space(SearchSpaces.tiny())
            .maxIterations(10)
            .journal(journal)
            .build()
            .run();

    assertThat(result.stopReason()).hasValue("token budget of 1000 spent (1042 used)");
    assertThat(result.completed()).hasSize(2);
    assertThat(Journal.readTrials(journal)).hasSize(3);
  }

  @Test
  void stream_is_lazy_and_can_be_limited_like_any_java_stream() {
    CheapEvaluator evaluator = new CheapEvaluator();
    Search search = builder(evaluator).designer(Designers.random()).maxIterations(100).build();

    List<Trial> firstThree = search.stream().limit(3).collect(Collectors.toList());

    assertThat(firstThree).extracting(Trial::iteration).containsExactly(1, 2, 3);
    assertThat(evaluator.calls()).isLessThanOrEqualTo(3);
    assertThat(search.stream().filter(Trial::completed).findFirst()).isPresent();
  }

  @Test
  void an_interrupted_search_resumes_to_the_same_history_as_an_uninterrupted_one()
      throws Exception {
    Path uninterrupted = dir.resolve("full.jsonl");
    Path interrupted = dir.resolve("killed.jsonl");
    List<String> expected =
        records(builder(new CheapEvaluator()).journal(uninterrupted).build().run().history());

    // given a run killed while evaluating its 6th new candidate
    CheapEvaluator cheap = new CheapEvaluator();
    int[] evaluations = {0};
    Evaluator dying =
        new Evaluator() {
          @Override
          public Evaluation evaluate(Architecture arch) {
            if (++evaluations[0] == 6) {
              throw new KilledError();
            }
            return cheap.evaluate(arch);
          }

          @Override
          public String name() {
            return cheap.name();
          }
        };
    Search killed =
        Search.builder(PROBLEM, dying)
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(12)
            .seed(3)
            .journal(interrupted)
            .build();
    assertThatThrownBy(killed::run).isInstanceOf(KilledError.class);
    int written = Journal.readTrials(interrupted).size();
    assertThat(written).isBetween(5, 11);
    // and a torn half line, as a kill during a write leaves
    Files.writeString(interrupted, "{\"type\":\"trial\",\"iteration\":", StandardOpenOption.APPEND);

    CheapEvaluator resumedEvaluator = new CheapEvaluator();
    SearchResult resumed = builder(resumedEvaluator).journal(interrupted).build().run();

    assertThat(records(resumed.history())).isEqualTo(expected);
    assertThat(records(Journal.readTrials(interrupted))).isEqualTo(expected);
    assertThat(resumedEvaluator.calls()).isLessThanOrEqualTo(12 - written);
  }

  @Test
  void a_journal_from_another_configuration_is_refused_saying_what_differs() {
    Path journal = dir.resolve("journal.jsonl");
    builder(new CheapEvaluator()).maxIterations(2).journal(journal).build().run();

    assertThatThrownBy(() -> builder(new CheapEvaluator()).seed(99).journal(journal).build().run())
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("seed: journal has '3', this search has '99'");
  }

  @Test
  void a_corrupt_line_before_the_last_is_refused_with_its_line_number() throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    builder(new CheapEvaluator()).maxIterations(3).journal(journal).build().run();
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    lines.set(2, "{not json");
    Files.write(journal, lines, StandardCharsets.UTF_8);

    assertThatThrownBy(() -> builder(new CheapEvaluator()).journal(journal).build().run())
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("line 3 is corrupt");
  }

  @Test
  void builder_validates_each_setting_where_it_enters() {
    assertThatThrownBy(() -> Search.builder(PROBLEM, new CheapEvaluator()).maxIterations(0))
        .hasMessage("maxIterations must be > 0, but was 0");
    assertThatThrownBy(() -> Designers.evolution(4, 9))
        .hasMessageContaining("sampleSize must be in [1, population=4], but was 9");
  }

  private static List<Layer> replaceFirstConv(Architecture a, Layer conv) {
    List<Layer> layers = new ArrayList<>(a.layers());
    layers.set(0, conv);
    return layers;
  }

  private static List<String> hashes(SearchResult result) {
    return result.history().stream().map(t -> t.hash().orElse("-")).collect(Collectors.toList());
  }

  /** Trial records without wall-clock time, which legitimately differs between runs. */
  private static List<String> records(List<Trial> trials) {
    return trials.stream()
        .map(
            t -> {
              var node = TrialJson.toNode(t);
              node.remove("seconds");
              return node.toString();
            })
        .collect(Collectors.toList());
  }

  /** Stands in for the process being killed: an Error the search does not catch. */
  private static final class KilledError extends Error {}
}
