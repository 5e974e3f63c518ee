package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import org.junit.jupiter.api.Test;

class ModelMemoryTest {

  @Test
  void counts_only_top_level_operators_of_a_profiler_trace() throws Exception {
    // conv2d (1 KiB) contains its own convolution (1 KiB, nested); relu on another time span
    // allocates 512 b; a view allocates nothing; a free shows as negative.
    String trace = """
        [
          {"name": "aten::conv2d", "ph": "X", "ts": 10.0, "dur": 50.0, "tid": 1, "cpu mem": "1.00 Kb"},
          {"name": "aten::convolution", "ph": "X", "ts": 12.0, "dur": 40.0, "tid": 1, "cpu mem": "1.00 Kb"},
          {"name": "aten::relu", "ph": "X", "ts": 70.0, "dur": 5.0, "tid": 1, "cpu mem": "512 b"},
          {"name": "aten::view", "ph": "X", "ts": 80.0, "dur": 1.0, "tid": 1, "cpu mem": "0 b"},
          {"name": "aten::add_", "ph": "X", "ts": 90.0, "dur": 1.0, "tid": 1, "cpu mem": "-64 b"}
        ]""";

    long bytes = ModelMemory.allocatedBytes(new ObjectMapper().readTree(trace));

    assertThat(bytes).isEqualTo(1024 + 512 - 64);
  }

  @Test
  void parses_the_profilers_units_and_names_a_text_it_cannot_read() {
    assertThat(ModelMemory.bytes("1.50 Mb")).isEqualTo(1_572_864L);
    assertThat(ModelMemory.bytes("2.00 Gb")).isEqualTo(2L << 30);
    assertThatThrownBy(() -> ModelMemory.bytes("12 parsecs")).hasMessageContaining("12 parsecs");
  }

  @Test
  void a_small_models_memory_is_its_own_far_below_the_process_high_water_mark() {
    ImageDataset data = SyntheticLesions.builder().size(120).imageSize(16).seed(3).generate();
    try (DjlEvaluator evaluator = DjlEvaluator.builder(data).maxEpochs(1).batchSize(32)
        .latencyRuns(3).bootstrapResamples(50).build()) {
      var small = ReferenceArchitectures.smallCnn(data.input(), 8);

      Evaluation e = evaluator.evaluate(small);

      double parametersMb = 4.0 * e.hardware().parameters() / (1 << 20);
      assertThat(e.hardware().modelMemoryMb()).isGreaterThan(parametersMb);
      // 94k parameters and 16x16 activations: about 0.5 MB, against hundreds of MB of JVM,
      // dataset and allocator caches
      assertThat(e.hardware().modelMemoryMb()).isLessThan(5);
      assertThat(e.hardware().processPeakMb()).isGreaterThan(50 * e.hardware().modelMemoryMb());
      assertThat(e.metricsParagraph()).contains("model memory")
          .doesNotContain(String.format("%.1f MB", e.hardware().processPeakMb()));
    }
  }
}
