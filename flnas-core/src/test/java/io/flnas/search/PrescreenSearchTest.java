package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Shape;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.search.design.Proposal;
import io.flnas.search.journal.Journal;
import io.flnas.search.journal.TrialJson;
import io.flnas.search.screen.ProxyScorer;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrescreenSearchTest {
  private static final Problem PROBLEM = new Problem("toy skin lesions", Shape.image(3, 16, 16), 4);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A cheap deterministic proxy: more parameters score higher. */
  private static final ProxyScorer BY_PARAMETERS =
      new ProxyScorer() {
        @Override
        public double score(Architecture architecture) {
          return Math.log(Cost.of(architecture).parameters());
        }

        @Override
        public String name() {
          return "log-parameters";
        }
      };

  @TempDir Path dir;

  private static Search.Builder builder(Evaluator evaluator, Designer designer) {
    return Search.builder(PROBLEM, evaluator)
        .designer(designer)
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(8)
        .seed(7);
  }

  /** Records every round's candidates, by round. */
  private static final class RecordingDesigner implements Designer {
    final Map<Integer, List<Proposal>> rounds = new ConcurrentHashMap<>();
    private final Designer inner;

    RecordingDesigner(Designer inner) {
      this.inner = inner;
    }

    @Override
    public Proposal propose(DesignContext context) {
      return inner.propose(context);
    }

    @Override
    public List<Proposal> propose(List<DesignContext> slots) {
      List<Proposal> proposals = inner.propose(slots);
      rounds.put(slots.get(0).round(), proposals);
      return proposals;
    }

    @Override
    public String name() {
      return inner.name();
    }
  }

  private static List<String> lines(SearchResult result) {
    return result.history().stream()
        .map(
            t ->
                t.iteration()
                    + " "
                    + t.status()
                    + " "
                    + t.hash().orElse("-")
                    + " "
                    + t.proxyScore())
        .collect(Collectors.toList());
  }

  @Test
  void a_prescreened_search_trains_only_the_best_scoring_candidates_and_records_their_scores() {
    // given three candidates per slot and two slots
    CheapEvaluator cheap = new CheapEvaluator();
    RecordingDesigner designer = new RecordingDesigner(Designers.random());

    // when
    SearchResult result =
        builder(cheap, designer).parallelism(2).prescreen(BY_PARAMETERS, 3).build().run();

    // then the trials are numbered 1..8 with no gaps: candidates consume no numbers
    assertThat(result.history())
        .extracting(Trial::iteration)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(cheap.calls()).isLessThanOrEqualTo(8);
    int asked = designer.rounds.values().stream().mapToInt(List::size).sum();
    assertThat(asked).isEqualTo(3 * 8);
    for (Trial trial : result.history()) {
      assertThat(trial.proxyScore()).as("trial %s", trial.iteration()).isPresent();
      double kept = trial.proxyScore().getAsDouble();
      assertThat(kept).isEqualTo(BY_PARAMETERS.score(trial.architecture().orElseThrow()));
      // no candidate of its round that was left untrained scored higher
      List<String> trained =
          result.history().stream()
              .filter(t -> t.round() == trial.round())
              .map(t -> t.hash().orElseThrow())
              .toList();
      for (Proposal candidate : designer.rounds.get(trial.round())) {
        if (!trained.contains(candidate.architecture().hash())) {
          assertThat(BY_PARAMETERS.score(candidate.architecture())).isLessThanOrEqualTo(kept);
        }
      }
    }
  }

  @Test
  void one_candidate_per_slot_designs_what_a_search_without_prescreen_does_and_scores_it() {
    SearchResult plain = builder(new CheapEvaluator(), Designers.evolution(4, 2)).build().run();
    SearchResult scored =
        builder(new CheapEvaluator(), Designers.evolution(4, 2))
            .prescreen(BY_PARAMETERS, 1)
            .build()
            .run();

    assertThat(lines(scored)).hasSameSizeAs(lines(plain));
    for (int i = 0; i < plain.history().size(); i++) {
      Trial a = plain.history().get(i);
      Trial b = scored.history().get(i);
      assertThat(b.hash()).isEqualTo(a.hash());
      assertThat(b.status()).isEqualTo(a.status());
      assertThat(a.proxyScore()).isEmpty();
      assertThat(b.proxyScore())
          .isEqualTo(OptionalDouble.of(BY_PARAMETERS.score(b.architecture().orElseThrow())));
    }
  }

  @Test
  void a_resumed_prescreened_search_keeps_what_an_uninterrupted_one_would() throws Exception {
    Path whole = dir.resolve("whole.jsonl");
    Path cut = dir.resolve("cut.jsonl");
    SearchResult uninterrupted =
        builder(new CheapEvaluator(), Designers.evolution(4, 2))
            .prescreen(BY_PARAMETERS, 4)
            .journal(whole)
            .build()
            .run();

    builder(new CheapEvaluator(), Designers.evolution(4, 2))
        .prescreen(BY_PARAMETERS, 4)
        .maxIterations(3)
        .journal(cut)
        .build()
        .run();
    SearchResult resumed =
        builder(new CheapEvaluator(), Designers.evolution(4, 2))
            .prescreen(BY_PARAMETERS, 4)
            .journal(cut)
            .build()
            .run();

    assertThat(lines(resumed)).isEqualTo(lines(uninterrupted));
    assertThat(Journal.readTrials(cut))
        .extracting(Trial::proxyScore)
        .isEqualTo(uninterrupted.history().stream().map(Trial::proxyScore).toList());
    List<String> journaled = new ArrayList<>();
    for (String line : Files.readAllLines(whole)) {
      var node = JSON.readTree(line);
      if (node.path("type").asText().equals("trial")) {
        journaled.add(node.path("proxy_score").asText());
      }
    }
    assertThat(journaled).hasSize(8).doesNotContain("");
  }

  @Test
  void the_prescreen_is_part_of_the_fingerprint_only_when_set() {
    Map<String, String> plain =
        builder(new CheapEvaluator(), Designers.random()).build().fingerprint();
    Map<String, String> screened =
        builder(new CheapEvaluator(), Designers.random())
            .prescreen(BY_PARAMETERS, 4)
            .build()
            .fingerprint();

    assertThat(plain).doesNotContainKey("prescreen");
    assertThat(screened).containsEntry("prescreen", "log-parameters x4");
  }

  @Test
  void the_builder_refuses_a_missing_scorer_and_fewer_than_one_candidate() {
    Search.Builder b = builder(new CheapEvaluator(), Designers.random());
    assertThatThrownBy(() -> b.prescreen(null, 2)).hasMessageContaining("scorer must not be null");
    assertThatThrownBy(() -> b.prescreen(BY_PARAMETERS, 0))
        .hasMessageContaining("candidatesPerSlot must be > 0, but was 0");
  }

  @Test
  void a_trial_line_keeps_its_proxy_score_and_an_old_line_without_one_still_reads()
      throws Exception {
    Trial trial =
        builder(new CheapEvaluator(), Designers.random())
            .maxIterations(1)
            .build()
            .run()
            .history()
            .get(0);
    Trial scored =
        new Trial(
            trial.iteration(),
            trial.designer(),
            trial.architecture(),
            trial.status(),
            trial.evaluation(),
            trial.reason(),
            trial.duplicateOf(),
            trial.exchanges(),
            trial.seconds(),
            trial.round(),
            trial.attempts(),
            OptionalDouble.of(Double.NEGATIVE_INFINITY));

    assertThat(TrialJson.read(TrialJson.write(trial)).proxyScore()).isEmpty();
    assertThat(TrialJson.read(TrialJson.write(scored)).proxyScore())
        .isEqualTo(OptionalDouble.of(Double.NEGATIVE_INFINITY));
    assertThat(TrialJson.write(trial)).doesNotContain("proxy_score");
  }
}
