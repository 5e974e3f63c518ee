package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.djl.train.ModelExport;
import io.flnas.metrics.Evaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlEvaluatorTest {
  private static ImageDataset data;
  private static DjlEvaluator evaluator;

  @BeforeAll
  static void setUp() {
    data = SyntheticLesions.builder().size(400).imageSize(16).seed(5).generate();
    evaluator = DjlEvaluator.builder(data).maxEpochs(3).batchSize(32).latencyRuns(5).build();
  }

  @AfterAll
  static void tearDown() {
    evaluator.close();
  }

  @Test
  void trains_and_measures_the_small_cnn() {
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8);

    Evaluation e = evaluator.evaluate(cnn);

    assertThat(e.failure()).isEmpty();
    assertThat(e.epochs()).isBetween(1, 3);
    assertThat(e.validation().accuracy()).isGreaterThan(0.2);
    assertThat(e.train().loss()).isFinite();
    assertThat(e.test().loss()).isFinite();
    assertThat(e.validationFairness().samples()).isEqualTo(data.validation().count());
    assertThat(e.validationFairness().groups())
        .extracting(g -> g.attribute() + "=" + g.group())
        .contains("sex=male", "sex=female", "age=young", "age=middle", "age=old");
    assertThat(e.hardware().parameters()).isEqualTo(Cost.of(cnn).parameters());
    assertThat(e.hardware().latencyMs()).isPositive();
    assertThat(e.hardware().throughput()).isPositive();
    assertThat(e.hardware().modelMemoryMb()).isPositive();
    assertThat(e.hardware().processPeakMb()).isPositive();
    assertThat(e.testPredictions()).hasSize(data.test().count());
    assertThat(e.testIntervals())
        .hasValueSatisfying(
            ci -> {
              assertThat(ci.resamples()).isEqualTo(1000);
              assertThat(ci.accuracy().contains(e.test().accuracy())).isTrue();
            });
    assertThat(e.trainingSeconds()).isPositive();
  }

  @Test
  void early_stopping_restores_the_best_epoch_weights() {
    List<Double> losses = new ArrayList<>();
    try (DjlEvaluator overfitting =
        DjlEvaluator.builder(data)
            .maxEpochs(12)
            .patience(1)
            .learningRate(0.02)
            .batchSize(16)
            .latencyRuns(3)
            .build()) {
      Evaluation e =
          overfitting.evaluate(
              ReferenceArchitectures.smallCnn(data.input(), 8),
              (epoch, max, loss) -> losses.add(loss));

      double best = losses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      int bestEpoch = losses.indexOf(best) + 1;
      assertThat(e.validation().loss()).isCloseTo(best, within(1e-4));
      assertThat(e.epochs()).isEqualTo(losses.size());
      if (losses.size() < 12) {
        assertThat(losses.size() - bestEpoch).isEqualTo(1);
      }
    }
  }

  @Test
  void a_nan_loss_fails_the_trial_with_that_reason() {
    Split train = data.train();
    float[] poisoned = train.pixels().clone();
    java.util.Arrays.fill(poisoned, 0, train.imageSize() * 40, Float.NaN);
    ImageDataset bad =
        new ImageDataset(
            "poisoned",
            "poisoned",
            data.classes(),
            new Split(
                train.count(),
                train.channels(),
                train.height(),
                train.width(),
                poisoned,
                train.labels(),
                train.groups()),
            data.validation(),
            data.test(),
            0);
    try (DjlEvaluator nan = DjlEvaluator.builder(bad).maxEpochs(2).build()) {
      Evaluation e = nan.evaluate(ReferenceArchitectures.smallCnn(bad.input(), 8));

      assertThat(e.succeeded()).isFalse();
      assertThat(e.failure()).get().asString().contains("loss became NaN at epoch 1");
    }
  }

  @Test
  void exported_model_reloads_and_reproduces_its_test_accuracy(@TempDir Path dir) {
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8);
    Evaluation e = evaluator.evaluateAndExport(cnn, dir);

    try (Model model = ModelExport.load(dir, evaluator.device())) {
      int[] predictions = ModelExport.predict(model, data.test());
      int correct = 0;
      for (int i = 0; i < predictions.length; i++) {
        correct += predictions[i] == data.test().labels()[i] ? 1 : 0;
      }
      assertThat((double) correct / predictions.length).isEqualTo(e.test().accuracy());
      assertThat(ModelExport.architecture(dir).sameStructure(cnn)).isTrue();
    }
  }
}
