package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.space.SearchSpaces;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Trials share the dataset's device data: no trial may free, move or change it, and the batches cut
 * from the 8-bit store are the host's normalized pixels.
 */
class SharedDataIntegrityTest {
  @Test
  void the_shared_data_survives_many_trials_unchanged() {
    ImageDataset data = SyntheticLesions.builder().size(200).imageSize(16).seed(4).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(2).batchSize(16).latencyRuns(2).build()) {
      Random random = new Random(9);
      for (int i = 0; i < 6; i++) {
        evaluator.evaluate(SearchSpaces.tiny().sample(random, data.input(), 8));
        System.gc();
      }
      DeviceData tensors = evaluator.deviceData();
      assertThat(tensors.train.labels.isReleased()).isFalse();
      assertThat(tensors.train.labels.getManager()).isSameAs(tensors.manager);
      for (DeviceData.Tensors split :
          new DeviceData.Tensors[] {tensors.train, tensors.validation, tensors.test}) {
        assertBatchesMatchHost(tensors, split, split.split);
      }
    }
  }

  private static void assertBatchesMatchHost(
      DeviceData tensors, DeviceData.Tensors split, Split host) {
    try (NDManager batch = tensors.manager.newSubManager()) {
      float[] onDevice = split.images(batch, 0, split.count()).toFloatArray();
      float[] onHost = host.pixels();
      assertThat(onDevice).hasSameSizeAs(onHost);
      for (int i = 0; i < onHost.length; i++) {
        assertThat(onDevice[i]).isCloseTo(onHost[i], within(1e-5f));
      }
      float[] labels = split.labels.toFloatArray();
      for (int i = 0; i < labels.length; i++) {
        assertThat((int) labels[i]).isEqualTo(host.labels()[i]);
      }
    }
  }
}
