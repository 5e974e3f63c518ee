package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Evaluator;
import io.flnas.search.promote.RungEvaluator.Rung;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RungTrainingTest {
  @TempDir Path dir;

  @Test
  void a_rung_continues_from_the_weights_the_rung_before_saved() throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(160).imageSize(12).seed(5).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(4)
            .batchSize(32)
            .latencyRuns(3)
            .bootstrapResamples(20)
            .build()) {
      Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8).withName("trial-1");
      Evaluation first =
          evaluator.evaluate(
              cnn,
              new Rung(0, 1, Optional.empty(), dir.resolve("r0")),
              Evaluator.EpochListener.NONE);
      Evaluation again =
          evaluator.evaluate(
              cnn,
              new Rung(0, 1, Optional.empty(), dir.resolve("r0-again")),
              Evaluator.EpochListener.NONE);
      Evaluation continued =
          evaluator.evaluate(
              cnn,
              new Rung(1, 1, Optional.of(dir.resolve("r0")), dir.resolve("r1")),
              Evaluator.EpochListener.NONE);
      Evaluation fresh =
          evaluator.evaluate(
              cnn,
              new Rung(1, 1, Optional.empty(), dir.resolve("r1-fresh")),
              Evaluator.EpochListener.NONE);

      assertThat(first.epochs()).isEqualTo(1);
      assertThat(again.validation().loss()).isEqualTo(first.validation().loss());
      assertThat(Files.readAllBytes(dir.resolve("r0-again")))
          .isEqualTo(Files.readAllBytes(dir.resolve("r0")));
      // the second rung starts from the first rung's weights, not from fresh ones
      assertThat(continued.validation().loss()).isNotEqualTo(fresh.validation().loss());
      assertThat(continued.validation().loss()).isLessThan(first.validation().loss());
      assertThat(Files.size(dir.resolve("r1"))).isEqualTo(Files.size(dir.resolve("r0")));
    }
  }

  @Test
  void two_one_epoch_rungs_train_exactly_as_two_epochs_without_a_break() throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(160).imageSize(12).seed(5).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(4)
            .batchSize(32)
            .latencyRuns(3)
            .bootstrapResamples(20)
            .build()) {
      Architecture small = ReferenceArchitectures.smallCnn(data.input(), 8);
      List<Layer> layers = new ArrayList<>(small.layers());
      layers.add(layers.size() - 1, new Layer.Dropout(0.5)); // its masks must continue too
      Architecture cnn = small.withLayers(layers).withName("trial-1");
      List<Double> straightLosses = new ArrayList<>();
      Evaluation straight =
          evaluator.evaluate(
              cnn,
              new Rung(0, 2, Optional.empty(), dir.resolve("straight")),
              (epoch, max, loss) -> straightLosses.add(loss));
      evaluator.evaluate(
          cnn, new Rung(0, 1, Optional.empty(), dir.resolve("r0")), Evaluator.EpochListener.NONE);
      Evaluation continued =
          evaluator.evaluate(
              cnn,
              new Rung(1, 1, Optional.of(dir.resolve("r0")), dir.resolve("r1")),
              Evaluator.EpochListener.NONE);

      assertThat(straightLosses).hasSize(2);
      // the same batch orders, Adam's moments and step count, and the best epoch so far
      // carried over: the same bits, in the best weights and in the last ones
      assertThat(Files.readAllBytes(dir.resolve("r1")))
          .isEqualTo(Files.readAllBytes(dir.resolve("straight")));
      assertThat(Files.readAllBytes(dir.resolve("r1.last")))
          .isEqualTo(Files.readAllBytes(dir.resolve("straight.last")));
      assertThat(continued.validation()).isEqualTo(straight.validation());
      assertThat(Checkpoints.progress(dir.resolve("r1")))
          .isEqualTo(Checkpoints.progress(dir.resolve("straight")));
      assertThat(Checkpoints.progress(dir.resolve("r1")).epochs()).isEqualTo(2);
    }
  }
}
