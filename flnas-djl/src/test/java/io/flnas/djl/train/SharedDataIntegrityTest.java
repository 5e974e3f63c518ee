package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.space.SearchSpaces;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trials share the dataset's device tensors: no trial may free, move or change them. */
class SharedDataIntegrityTest {
  @Test
  void the_shared_tensors_survive_many_trials_unchanged() {
    ImageDataset data = SyntheticLesions.builder().size(200).imageSize(16).seed(4).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(2).batchSize(16).latencyRuns(2).build()) {
      Random random = new Random(9);
      for (int i = 0; i < 6; i++) {
        evaluator.evaluate(SearchSpaces.tiny().sample(random, data.input(), 8));
        System.gc();
      }
      DeviceData tensors = evaluator.deviceData();
      assertThat(tensors.train.images.isReleased()).isFalse();
      assertThat(tensors.train.images.toFloatArray()).isEqualTo(data.train().pixels());
      assertThat(tensors.validation.images.toFloatArray()).isEqualTo(data.validation().pixels());
      assertThat(tensors.test.images.toFloatArray()).isEqualTo(data.test().pixels());
      assertThat(tensors.train.images.getManager()).isSameAs(tensors.manager);
    }
  }
}
