package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bf16Test {
  private static final ImageDataset TINY =
      SyntheticLesions.builder().size(60).imageSize(8).seed(3).generate();

  @Test
  void refuses_bf16_naming_the_engine_gap_and_the_missing_cpu_flags() {
    Bf16Support avx2Only = new Bf16Support(Set.of("avx2", "fma"), "AMD EPYC");

    assertThatThrownBy(() -> DjlEvaluator.builder(TINY).maxEpochs(1).precision(Precision.BF16)
        .bf16Support(avx2Only).build())
        .isInstanceOf(PrecisionUnavailableException.class)
        .hasMessageContaining("PyTorch JNI has no bfloat16 tensor type")
        .hasMessageContaining("AMD EPYC has neither amx_bf16 nor avx512_bf16")
        .hasMessageContaining("use Precision.FP32");
  }

  @Test
  void refuses_bf16_even_on_a_cpu_with_amx_saying_it_has_the_units() {
    Bf16Support amx = new Bf16Support(Set.of("avx512f", "amx_tile", "amx_bf16"), "Intel Xeon");

    assertThatThrownBy(() -> DjlEvaluator.builder(TINY).precision(Precision.BF16)
        .bf16Support(amx).build())
        .isInstanceOf(PrecisionUnavailableException.class)
        .hasMessageContaining("Intel Xeon has amx_bf16");
  }

  @Test
  void fp32_stays_the_default_and_trains() {
    try (DjlEvaluator fp32 = DjlEvaluator.builder(TINY).maxEpochs(1).batchSize(16)
        .precision(Precision.FP32).latencyRuns(2).bootstrapResamples(20).build()) {
      assertThat(fp32.evaluate(io.flnas.arch.ReferenceArchitectures.smallCnn(TINY.input(), 8))
          .failure()).isEmpty();
    }
  }

  @Test
  void reads_the_bfloat16_flags_from_cpuinfo(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Intel Xeon\n"
        + "flags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile amx_bf16\n\nprocessor\t: 1\n");

    Bf16Support support = Bf16Support.of(cpuinfo);

    assertThat(support.available()).isTrue();
    assertThat(support.present()).containsExactly("amx_bf16", "avx512_bf16");
    assertThat(support.describe()).isEqualTo("Intel Xeon has amx_bf16 and avx512_bf16");
    assertThat(Bf16Support.of(dir.resolve("absent")).available()).isFalse();
  }
}
