package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.search.Baselines;
import io.flnas.search.Designers;
import io.flnas.search.Journal;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlSearchTest {

  @Test
  void the_djl_evaluator_drives_a_real_core_search(@TempDir Path dir) {
    ImageDataset data = SyntheticLesions.builder().size(300).imageSize(16).seed(2).generate();
    try (DjlEvaluator evaluator = DjlEvaluator.builder(data).maxEpochs(2).batchSize(32)
        .latencyRuns(3).build()) {
      SearchResult result = Search.builder(data.problem(), evaluator)
          .designer(Designers.random()).space(SearchSpaces.tiny())
          .target(DeploymentTargets.raspberryPi4()).maxIterations(2).seed(5)
          .journal(dir.resolve("journal.jsonl")).build().run();

      assertThat(result.history()).hasSize(2);
      assertThat(result.completed()).isNotEmpty();
      Trial best = result.best().orElseThrow();
      assertThat(best.result().hardware().latencyMs()).isPositive();
      assertThat(best.result().validationFairness().groups()).isNotEmpty();
      assertThat(Journal.readTrials(dir.resolve("journal.jsonl"))).hasSize(2);

      List<Baselines.Baseline> baselines = Baselines.evaluate(evaluator, data.problem(),
          List.of("mobilenet_v2"));
      assertThat(baselines).singleElement().satisfies(b -> {
        assertThat(b.name()).isEqualTo("mobilenet_v2");
        assertThat(b.evaluation().succeeded()).isTrue();
        assertThat(b.evaluation().hardware().parameters()).isGreaterThan(2_000_000);
      });
    }
  }
}
