package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessPeakTest {

  @Test
  void a_small_models_sampled_peak_stays_within_the_peak_expected_from_its_analytic_figures()
      throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(200).imageSize(16).seed(3).generate();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), data.numClasses());
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(2)
            .batchSize(32)
            .latencyRuns(2)
            .bootstrapResamples(10)
            .build()) {
      evaluator.evaluate(cnn); // the engine's kernels are in; what follows is one trial's own
      double expected = evaluator.expectedPeakMb(cnn);

      Evaluation e = evaluator.evaluate(cnn);

      assertThat(e.hardware().processPeakMb()).isPositive().isLessThanOrEqualTo(expected);
    }
  }

  @Test
  void measuring_a_trial_leaves_the_kernels_high_water_mark_alone() throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(60).imageSize(8).seed(3).generate();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), data.numClasses());
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(1)
            .batchSize(16)
            .latencyRuns(1)
            .bootstrapResamples(1)
            .build()) {
      // A resident peak well above anything this trial needs, then released.
      long before = highWaterMarkKb();
      byte[][] blocks = new byte[48][];
      for (int i = 0; i < blocks.length; i++) {
        blocks[i] = new byte[4 << 20];
        java.util.Arrays.fill(blocks[i], (byte) 1);
      }
      long raised = highWaterMarkKb();
      blocks = null;
      System.gc();

      evaluator.evaluate(cnn);

      // Writing /proc/self/clear_refs would have dropped the mark to this trial's own window.
      assertThat(raised).isGreaterThanOrEqualTo(before);
      assertThat(highWaterMarkKb()).isGreaterThanOrEqualTo(raised);
    }
  }

  private static long highWaterMarkKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no VmHWM");
  }
}
