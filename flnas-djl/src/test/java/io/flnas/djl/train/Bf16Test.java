package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bf16Test {
  private static final ImageDataset TINY =
      SyntheticLesions.builder().size(60).imageSize(8).seed(3).generate();

  @Test
  void refuses_bf16_on_a_cpu_without_bfloat16_units_naming_the_missing_flags() {
    Bf16Support avx2Only = new Bf16Support(Set.of("avx2", "fma"), "AMD EPYC");

    assertThatThrownBy(
            () ->
                DjlEvaluator.builder(TINY)
                    .maxEpochs(1)
                    .precision(Precision.BF16)
                    .bf16Support(avx2Only)
                    .build())
        .isInstanceOf(PrecisionUnavailableException.class)
        .hasMessageContaining("AMD EPYC has neither amx_bf16 nor avx512_bf16")
        .hasMessageContaining("emulate bfloat16")
        .hasMessageContaining("use Precision.FP32");
  }

  /**
   * The bfloat16 cast calls libtorch outside DJL's error handling, so an engine exception in it (a
   * CUDA out-of-memory) would abort the JVM: on a GPU BF16 is refused before anything runs,
   * whatever the CPU has. No GPU is needed to show it: the refusal comes before the device is used.
   */
  @Test
  void refuses_bf16_on_a_gpu_where_an_error_in_the_cast_would_abort_the_jvm() {
    Bf16Support avx512 = new Bf16Support(Set.of("avx512f", "avx512_bf16"), "AMD EPYC");

    assertThatThrownBy(
            () ->
                DjlEvaluator.builder(TINY)
                    .maxEpochs(1)
                    .precision(Precision.BF16)
                    .device(Device.gpu())
                    .bf16Support(avx512)
                    .build())
        .isInstanceOf(PrecisionUnavailableException.class)
        .hasMessageContaining(
            "precision BF16 is not available: bfloat16 casts are refused on" + " gpu(0)")
        .hasMessageContaining("would abort the JVM instead of failing the trial")
        .hasMessageEndingWith("use Precision.FP32");
  }

  /**
   * This machine's CPU, as it is: with bfloat16 units BF16 trains; without them it is refused,
   * naming the flags it lacks. Either way something is asserted; nothing is skipped.
   */
  @Test
  void on_this_machine_bf16_trains_where_the_cpu_has_bfloat16_units_and_is_refused_elsewhere() {
    Bf16Support here = Bf16Support.ofThisMachine();
    DjlEvaluatorBuilder builder = tiny(Precision.BF16).maxEpochs(1).device(Device.cpu());

    if (here.available()) {
      try (DjlEvaluator bf16 = builder.build()) {
        Evaluation e = bf16.evaluate(ReferenceArchitectures.smallCnn(TINY.input(), 8));
        assertThat(e.failure()).isEmpty();
        assertThat(e.validation().loss()).isFinite();
      }
    } else {
      assertThatThrownBy(builder::build)
          .isInstanceOf(PrecisionUnavailableException.class)
          .hasMessageContaining("has neither amx_bf16 nor avx512_bf16");
    }
  }

  /**
   * Trains in bf16 wherever the engine can cast, whatever this CPU has: the support is stated, so
   * on a CPU without units libtorch's emulation runs the same code, only slower.
   */
  @Test
  void trains_in_bf16_deterministically_and_says_so_in_its_name() {
    Bf16Support avx512 = new Bf16Support(Set.of("avx512f", "avx512_bf16"), "AMD EPYC");
    Architecture cnn = ReferenceArchitectures.smallCnn(TINY.input(), 8);

    Evaluation first;
    Evaluation second;
    Evaluation fp32;
    try (DjlEvaluator bf16 = tiny(Precision.BF16).bf16Support(avx512).build()) {
      assertThat(bf16.name()).endsWith(", bf16)");
      assertThat(bf16.precision()).isEqualTo(Precision.BF16);
      first = bf16.evaluate(cnn);
      second = bf16.evaluate(cnn);
    }
    try (DjlEvaluator full = tiny(Precision.FP32).build()) {
      fp32 = full.evaluate(cnn);
    }

    assertThat(first.failure()).isEmpty();
    assertThat(first.train().loss()).isFinite();
    assertThat(first.validation().loss()).isFinite();
    assertThat(second.validation()).as("same seed, same trial").isEqualTo(first.validation());
    assertThat(second.testPredictions()).isEqualTo(first.testPredictions());
    assertThat(first.validation().loss())
        .as("bf16 rounds differently from fp32")
        .isNotEqualTo(fp32.validation().loss())
        .isCloseTo(fp32.validation().loss(), within(0.25));
  }

  private static DjlEvaluatorBuilder tiny(Precision precision) {
    return DjlEvaluator.builder(TINY)
        .maxEpochs(2)
        .batchSize(16)
        .precision(precision)
        .latencyRuns(2)
        .bootstrapResamples(20);
  }

  @Test
  void fp32_stays_the_default_and_trains() {
    try (DjlEvaluator fp32 =
        DjlEvaluator.builder(TINY)
            .maxEpochs(1)
            .batchSize(16)
            .precision(Precision.FP32)
            .latencyRuns(2)
            .bootstrapResamples(20)
            .build()) {
      assertThat(
              fp32.evaluate(io.flnas.arch.ReferenceArchitectures.smallCnn(TINY.input(), 8))
                  .failure())
          .isEmpty();
    }
  }

  @Test
  void reads_the_bfloat16_flags_from_cpuinfo(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(
        cpuinfo,
        "processor\t: 0\nmodel name\t: Intel Xeon\n"
            + "flags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile amx_bf16\n\nprocessor\t: 1\n");

    Bf16Support support = Bf16Support.of(cpuinfo);

    assertThat(support.available()).isTrue();
    assertThat(support.present()).containsExactly("amx_bf16", "avx512_bf16");
    assertThat(support.describe()).isEqualTo("Intel Xeon has amx_bf16 and avx512_bf16");
    assertThat(Bf16Support.of(dir.resolve("absent")).available()).isFalse();
  }
}
