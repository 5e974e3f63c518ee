package io.flnas.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The memory estimate and the one line it stops a run with. */
class DataFootprintTest {
  @Test
  void the_full_isic_at_224_px_on_the_heap_asks_for_a_larger_heap_or_smaller_data() {
    DataFootprint need = DataFootprint.images(25_331, 3, 224, false, 4);

    assertThat(need.dataBytes()).isEqualTo(25_331L * 3 * 224 * 224);
    assertThat(need.shortfall(1L << 30, 0))
        .hasValueSatisfying(
            line ->
                assertThat(line)
                    .contains("GiB of heap (data 3.6 GiB on the heap, decoding 192.0 MiB)")
                    .contains("but the heap's maximum is 1.0 GiB")
                    .contains("JAVA_OPTS=" + need.heapOption())
                    .contains("--cache DIR")
                    .endsWith("lower --image-size or --samples"));
    assertThat(need.suggestedHeapBytes()).isGreaterThan(need.heapBytes());
  }

  @Test
  void mapped_data_needs_little_heap_but_must_fit_the_machine() {
    DataFootprint need = DataFootprint.images(25_331, 3, 224, true, 0);

    assertThat(need.shortfall(1L << 30, 64L << 30)).isEmpty();
    assertThatThrownBy(() -> need.check(1L << 30, 2L << 30))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("of memory")
        .hasMessageContaining("but the machine has 2.0 GiB")
        .hasMessageContaining("--image-size");
  }

  @Test
  void training_adds_the_model_and_a_batch_outside_the_heap() {
    DataFootprint need =
        DataFootprint.images(1400, 3, 16, false, 0).withTraining(1_000_000, 64, 3 * 16 * 16);

    assertThat(need.modelBytes()).isEqualTo(16_000_000);
    assertThat(need.batchBytes()).isEqualTo(64L * 768 * 9);
    assertThat(need.nativeBytes()).isEqualTo(need.modelBytes() + need.batchBytes());
    assertThat(need.heapOption()).matches("-Xmx\\d+m");
  }
}
