package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.space.NasBench201Space;
import io.flnas.space.SearchSpaces;
import org.junit.jupiter.api.Test;

class CellBlockTest {

  @Test
  void a_nas_bench_201_network_builds_and_trains_in_djl_with_exactly_its_analytic_parameters() {
    ImageDataset data = SyntheticLesions.builder().size(60).imageSize(8).seed(2).generate();
    Architecture network =
        SearchSpaces.nasBench201()
            .architecture(
                NasBench201Space.parse(
                    "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"),
                data.input(),
                data.numClasses());
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(1)
            .batchSize(16)
            .latencyRuns(1)
            .throughputBatch(2)
            .bootstrapResamples(1)
            .build()) {

      Evaluation e = evaluator.evaluate(network);

      assertThat(e.failure()).isEmpty();
      assertThat(e.epochs()).isEqualTo(1);
      assertThat(e.train().loss()).isFinite();
      assertThat(e.hardware().parameters()).isEqualTo(Cost.of(network).parameters());
    }
  }
}
