package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.search.Baselines;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.search.journal.Journal;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlSearchTest {

  @Test
  void the_djl_evaluator_drives_a_real_core_search(@TempDir Path dir) {
    ImageDataset data = SyntheticLesions.builder().size(300).imageSize(16).seed(2).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(2).batchSize(32).latencyRuns(3).build()) {
      SearchResult result =
          Search.builder(data.problem(), evaluator)
              .designer(Designers.random())
              .space(SearchSpaces.tiny())
              .target(DeploymentTargets.raspberryPi4())
              .maxIterations(2)
              .seed(5)
              .journal(dir.resolve("journal.jsonl"))
              .build()
              .run();

      assertThat(result.history()).hasSize(2);
      assertThat(result.completed()).isNotEmpty();
      Trial best = result.best().orElseThrow();
      assertThat(best.result().hardware().latencyMs()).isPositive();
      assertThat(best.result().validationFairness().groups()).isNotEmpty();
      assertThat(Journal.readTrials(dir.resolve("journal.jsonl"))).hasSize(2);

      List<Baselines.Baseline> baselines =
          Baselines.evaluate(evaluator, data.problem(), List.of("resnet18"));
      assertThat(baselines)
          .singleElement()
          .satisfies(
              b -> {
                assertThat(b.name()).isEqualTo("resnet18_cifar");
                assertThat(b.evaluation().succeeded()).isTrue();
                assertThat(b.evaluation().hardware().parameters()).isGreaterThan(11_000_000);
              });
    }
  }

  @Test
  void two_runs_with_the_same_seed_journal_the_same_trials_measurements_aside(@TempDir Path dir)
      throws Exception {
    List<List<JsonNode>> runs = new ArrayList<>();
    for (String name : List.of("first.jsonl", "second.jsonl")) {
      ImageDataset data = SyntheticLesions.builder().size(200).imageSize(12).seed(4).generate();
      try (DjlEvaluator evaluator =
          DjlEvaluator.builder(data)
              .maxEpochs(2)
              .batchSize(32)
              .latencyRuns(3)
              .bootstrapResamples(100)
              .seed(9)
              .build()) {
        Search.builder(data.problem(), evaluator)
            .designer(Designers.evolution())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(3)
            .seed(6)
            .journal(dir.resolve(name))
            .build()
            .run();
      }
      List<JsonNode> trials = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve(name))) {
        ObjectNode node = (ObjectNode) MAPPER.readTree(line);
        if (node.path("type").asText().equals("trial")) {
          withoutTimings(node);
          trials.add(node);
        }
      }
      runs.add(trials);
    }

    assertThat(runs.get(0)).hasSize(3);
    assertThat(runs.get(0).get(0).path("evaluation").path("test_predictions")).isNotEmpty();
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  /**
   * Removes what is measured (time, memory) rather than computed from the seed: model memory is a
   * measurement of the C heap and varies by a few kilobytes of allocator bookkeeping.
   */
  private static void withoutTimings(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(
          List.of(
              "seconds",
              "training_seconds",
              "latency_ms",
              "throughput",
              "process_peak_mb",
              "model_memory_mb"));
    }
    node.forEach(DjlSearchTest::withoutTimings);
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
}
