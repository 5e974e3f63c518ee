package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import org.junit.jupiter.api.Test;

class ModelMemoryTest {

  @Test
  void the_c_heap_in_use_grows_by_a_native_allocation_and_falls_back_when_it_is_freed() {
    // Other threads of this JVM (the engine's, a cluster test's) allocate and free too, so the
    // median of five measurements is taken.
    long[] grown = new long[5];
    long[] left = new long[5];
    for (int i = 0; i < 5; i++) {
      long before = NativeMemory.inUseBytes().orElseThrow();
      com.sun.jna.Memory block = new com.sun.jna.Memory(8 << 20); // malloc, as PyTorch's tensors
      block.clear(); // touch it
      long during = NativeMemory.inUseBytes().orElseThrow();
      block.close();
      long after = NativeMemory.inUseBytes().orElseThrow();
      grown[i] = during - before;
      left[i] = Math.abs(after - before);
    }
    java.util.Arrays.sort(grown);
    java.util.Arrays.sort(left);

    assertThat(grown[2]).isBetween(8L << 20, 9L << 20);
    assertThat(left[2]).isLessThan(1L << 20);
  }

  @Test
  void after_reuse_is_turned_on_a_large_block_comes_from_the_arena_not_its_own_mapping() {
    // 48 MB is above the largest threshold glibc ever picks by itself (32 MB), so by default it
    // is mapped on its own and unmapped when freed; with reuse on it is an arena block.
    assertThat(NativeMemory.reuseFreedMemory()).isTrue();
    long before = NativeMemory.mappedBytes().orElseThrow();
    try (com.sun.jna.Memory block = new com.sun.jna.Memory(48 << 20)) {
      block.clear();
      assertThat(NativeMemory.mappedBytes().orElseThrow() - before).isLessThan(48L << 20);
      assertThat(NativeMemory.inUseBytes().orElseThrow()).isGreaterThan(48L << 20);
    }
  }

  @Test
  void a_small_models_memory_is_its_own_far_below_the_process_high_water_mark() {
    ImageDataset data = SyntheticLesions.builder().size(120).imageSize(16).seed(3).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(1)
            .batchSize(32)
            .latencyRuns(3)
            .bootstrapResamples(50)
            .build()) {
      var small = ReferenceArchitectures.smallCnn(data.input(), 8);
      var wide = ReferenceArchitectures.resnet18Cifar(data.input(), 8);

      Evaluation e = evaluator.evaluate(small);
      Evaluation big = evaluator.evaluate(wide);

      double parametersMb = 4.0 * e.hardware().parameters() / (1 << 20);
      assertThat(e.hardware().modelMemoryMb()).isGreaterThan(parametersMb);
      // 94k parameters and 16x16 activations: well under a few MB, against hundreds of MB of JVM,
      // dataset and allocator caches
      assertThat(e.hardware().modelMemoryMb()).isLessThan(5);
      assertThat(e.hardware().processPeakMb()).isGreaterThan(50 * e.hardware().modelMemoryMb());
      // a ResNet-18 needs its 11M parameters (42.6 MB) and more
      assertThat(big.hardware().modelMemoryMb())
          .isGreaterThan(42.6)
          .isGreaterThan(10 * e.hardware().modelMemoryMb());
      assertThat(e.metricsParagraph())
          .contains("model memory")
          .doesNotContain(String.format("%.1f MB", e.hardware().processPeakMb()));
    }
  }
}
