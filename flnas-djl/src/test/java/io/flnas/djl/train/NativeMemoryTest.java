package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each way the C library can fail {@link NativeMemory}, through a fake of its functions: a refused
 * {@code mallopt}, glibc's older limits, a C library that is not glibc, a missing {@code mallinfo2}
 * and one that does not see the process's allocations. Each is logged once, and the model's memory
 * is then not measured but shown as the analytic figure, labelled so.
 */
class NativeMemoryTest {
  private static final int MIB = 1 << 20;

  /** The three {@code mallopt} calls of one setting, in the order they are made. */
  private static List<String> settings(int mmapThreshold, int trimThreshold, int topPad) {
    return List.of(
        NativeMemory.M_MMAP_THRESHOLD + "=" + mmapThreshold,
        NativeMemory.M_TRIM_THRESHOLD + "=" + trimThreshold,
        NativeMemory.M_TOP_PAD + "=" + topPad);
  }

  /** glibc as a test wants it; every {@code mallopt} call is recorded as {@code param=value}. */
  private static final class FakeLibc implements NativeMemory.CLibrary {
    String version = "2.36";
    IntBinaryOperator mallopt = (param, value) -> 1;
    boolean hasMallinfo2 = true;

    /** Whether mallinfo2 counts what malloc gives; not under an LD_PRELOAD allocator. */
    boolean countsMalloc = true;

    final List<String> calls = new ArrayList<>();
    long inUse = 100L * MIB;

    @Override
    public String gnu_get_libc_version() {
      if (version == null) {
        throw new UnsatisfiedLinkError("Error looking up function 'gnu_get_libc_version'");
      }
      return version;
    }

    @Override
    public int mallopt(int param, int value) {
      calls.add(param + "=" + value);
      return mallopt.applyAsInt(param, value);
    }

    @Override
    public int malloc_trim(long pad) {
      return 0;
    }

    @Override
    public NativeMemory.MallInfo2 mallinfo2() {
      if (!hasMallinfo2) {
        throw new UnsatisfiedLinkError("Error looking up function 'mallinfo2': undefined symbol");
      }
      NativeMemory.MallInfo2 info = new NativeMemory.MallInfo2();
      info.uordblks = inUse;
      return info;
    }

    @Override
    public long malloc(long bytes) {
      inUse += countsMalloc ? bytes + 16 : 0;
      return 4096;
    }

    @Override
    public void free(long address) {
      inUse -= countsMalloc ? NativeMemory.CALIBRATION_BYTES + 16 : 0;
    }
  }

  private final FakeLibc libc = new FakeLibc();
  private final List<String> warnings = new ArrayList<>();
  private final NativeMemory heap = new NativeMemory(libc, warnings::add);

  @Test
  void a_refused_mallopt_is_logged_once_and_nothing_after_it_is_set() {
    libc.mallopt = (param, value) -> 0;

    assertThat(heap.keepFreed()).isFalse();
    assertThat(heap.keepFreed()).isFalse();

    assertThat(libc.calls)
        .as("the trim threshold and top pad would freeze glibc's thresholds")
        .containsExactly(NativeMemory.M_MMAP_THRESHOLD + "=" + (1 << 30));
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("mallopt(M_MMAP_THRESHOLD, 1073741824) returned 0 on glibc 2.36")
        .contains("left alone");
  }

  @Test
  void a_setting_refused_after_the_mmap_threshold_stops_the_ones_after_it() {
    libc.mallopt = (param, value) -> param == NativeMemory.M_TRIM_THRESHOLD ? 0 : 1;

    assertThat(heap.keepFreed()).isFalse();

    assertThat(libc.calls).hasSize(2);
    assertThat(warnings).singleElement().asString().contains("mallopt(M_TRIM_THRESHOLD");
  }

  /**
   * glibc 2.34 and before refuse an mmap threshold above 32 MiB but take the trim threshold, which
   * turns the dynamic threshold off: the old settings froze it at 128 KiB. Now the threshold asked
   * of them is one they take, and it is set first.
   */
  @Test
  void glibc_before_2_35_gets_an_mmap_threshold_it_accepts_and_gets_it_first() {
    libc.version = "2.31";
    libc.mallopt =
        (param, value) -> param == NativeMemory.M_MMAP_THRESHOLD && value > 32 * MIB ? 0 : 1;

    assertThat(heap.keepFreed()).isTrue();

    assertThat(libc.calls).containsExactlyElementsOf(settings(32 * MIB, (1 << 30), 64 * MIB));
    assertThat(warnings).isEmpty();
  }

  @Test
  void glibc_2_35_and_later_keep_blocks_up_to_1_gib_in_the_arenas() {
    libc.version = "2.35";

    assertThat(heap.keepFreed()).isTrue();

    assertThat(libc.calls).first().isEqualTo(NativeMemory.M_MMAP_THRESHOLD + "=" + (1 << 30));
  }

  @Test
  void a_large_trial_gives_freed_memory_back_and_a_small_one_after_it_keeps_it_again() {
    assertThat(heap.keepFreed()).isTrue();
    libc.calls.clear();

    assertThat(heap.returnFreed()).isTrue();
    assertThat(libc.calls).containsExactlyElementsOf(settings(32 * MIB, 64 * MIB, 16 * MIB));
    libc.calls.clear();
    assertThat(heap.returnFreed()).isTrue();
    assertThat(libc.calls).as("already in force: nothing to set").isEmpty();

    assertThat(heap.returnFreedEagerly()).isTrue();
    assertThat(libc.calls).containsExactlyElementsOf(settings(MIB, 8 * MIB, (128 << 10)));
    libc.calls.clear();
    assertThat(heap.returnFreedEagerly()).isTrue();
    assertThat(libc.calls).isEmpty();
    assertThat(heap.returnFreed()).isTrue();
    assertThat(libc.calls).containsExactlyElementsOf(settings(32 * MIB, 64 * MIB, 16 * MIB));
    libc.calls.clear();

    assertThat(heap.keepFreed()).isTrue();
    assertThat(libc.calls).first().isEqualTo(NativeMemory.M_MMAP_THRESHOLD + "=" + (1 << 30));
    libc.calls.clear();
    assertThat(heap.keepFreed()).isTrue();
    assertThat(libc.calls).isEmpty();
  }

  @Test
  void a_return_setting_refused_halfway_leaves_nothing_assumed_and_keeping_is_set_again() {
    assertThat(heap.keepFreed()).isTrue();
    libc.mallopt =
        (param, value) -> param == NativeMemory.M_TRIM_THRESHOLD && value == 8 * MIB ? 0 : 1;
    libc.calls.clear();

    assertThat(heap.returnFreedEagerly()).as("its trim threshold is refused").isFalse();
    assertThat(libc.calls).first().isEqualTo(NativeMemory.M_MMAP_THRESHOLD + "=" + MIB);
    libc.calls.clear();

    assertThat(heap.keepFreed()).isTrue();
    assertThat(libc.calls)
        .as("the eager mmap threshold took before the refusal, so the kept ones are set again")
        .containsExactlyElementsOf(settings((1 << 30), (1 << 30), 64 * MIB));
    libc.calls.clear();
    assertThat(heap.returnFreedEagerly()).as("refused once, not asked again").isFalse();
    assertThat(libc.calls).isEmpty();
    assertThat(warnings).singleElement().asString().contains("mallopt(M_TRIM_THRESHOLD, 8388608)");
  }

  @Test
  void a_trials_tier_follows_its_expected_peak() {
    assertThat(NativeMemory.Tier.of(1024, 1024, 1400)).isEqualTo(NativeMemory.Tier.KEEP);
    assertThat(NativeMemory.Tier.of(1025, 1024, 1400)).isEqualTo(NativeMemory.Tier.RETURN);
    assertThat(NativeMemory.Tier.of(1400, 1024, 1400)).isEqualTo(NativeMemory.Tier.RETURN);
    assertThat(NativeMemory.Tier.of(1401, 1024, 1400)).isEqualTo(NativeMemory.Tier.RETURN_EAGERLY);
    assertThat(NativeMemory.Tier.of(10, 0, 1400))
        .as("reuseFreedMemory(false): never kept")
        .isEqualTo(NativeMemory.Tier.RETURN);
    assertThat(NativeMemory.Tier.of(1200, 1300, 1000))
        .as("an eager threshold below the keep one: kept wins up to its bound")
        .isEqualTo(NativeMemory.Tier.KEEP);
    assertThat(NativeMemory.Tier.of(1350, 1300, 1000)).isEqualTo(NativeMemory.Tier.RETURN_EAGERLY);
  }

  @Test
  void a_c_library_that_is_not_glibc_is_left_alone() {
    libc.version = null;

    assertThat(heap.keepFreed()).isFalse();

    assertThat(libc.calls).isEmpty();
    assertThat(warnings).singleElement().asString().contains("not glibc");
  }

  @Test
  void reads_glibc_versions() {
    assertThat(NativeMemory.atLeast("2.35", 2, 35)).isTrue();
    assertThat(NativeMemory.atLeast("2.36", 2, 35)).isTrue();
    assertThat(NativeMemory.atLeast("2.34", 2, 35)).isFalse();
    assertThat(NativeMemory.atLeast("2.17", 2, 35)).isFalse();
    assertThat(NativeMemory.atLeast("3.0", 2, 35)).isTrue();
    assertThat(NativeMemory.atLeast("2.39.9000", 2, 35)).isTrue();
    assertThat(NativeMemory.atLeast("unknown", 2, 35)).isFalse();
  }

  @Test
  void a_missing_mallinfo2_leaves_model_memory_not_measured_and_labelled_analytic() {
    libc.hasMallinfo2 = false;

    assertThat(heap.inUse()).isEmpty();
    assertThat(heap.mapped()).isEmpty();
    assertThat(heap.notMeasuredBecause())
        .hasValueSatisfying(why -> assertThat(why).contains("no mallinfo2"));
    assertThat(warnings).singleElement().asString().contains("model memory is not measured");
    assertNotMeasuredAndLabelledAnalytic();
  }

  /**
   * Under an {@code LD_PRELOAD} allocator (jemalloc, tcmalloc) glibc's {@code mallinfo2} is still
   * there but counts nothing the process allocates: the "measured" memory would silently be the
   * parameters alone. The calibration sees an 8 MiB allocation grow nothing and says so.
   */
  @Test
  void a_mallinfo2_that_does_not_see_an_8_mib_allocation_leaves_model_memory_not_measured() {
    libc.countsMalloc = false;

    assertThat(heap.inUse()).isEmpty();
    assertThat(heap.notMeasuredBecause())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("saw an allocation of 8 MiB as [0, 0, 0] bytes", "LD_PRELOAD"));
    heap.inUse();
    assertThat(warnings).as("logged once").hasSize(1);
    assertNotMeasuredAndLabelledAnalytic();
  }

  @Test
  void a_mallinfo2_that_sees_the_allocation_is_believed() {
    assertThat(heap.notMeasuredBecause()).isEmpty();
    assertThat(heap.inUse()).hasValue(100L * MIB);
    assertThat(warnings).isEmpty();
  }

  /** On the machines this project runs on (glibc 2.33 or later, no preload) it is measured. */
  @Test
  void this_process_measures_its_c_heap() {
    assertThat(NativeMemory.process().notMeasuredBecause()).isEmpty();
    assertThat(NativeMemory.inUseBytes()).isPresent();
  }

  /** The model's memory through this heap is NaN, and the prompt's text says analytic. */
  private void assertNotMeasuredAndLabelledAnalytic() {
    Architecture cnn = ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2);
    double measured;
    try (Model model = Model.newInstance("memory", Device.cpu(), "PyTorch")) {
      Block block = ArchitectureBlocks.toBlock(cnn);
      model.setBlock(block);
      try (Trainer trainer =
          model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
        trainer.initialize(new ai.djl.ndarray.types.Shape(2, 3, 8, 8));
        measured = ModelMemory.measureMb(heap, trainer, block, cnn.input(), 2, Device.cpu());
      }
    }
    assertThat(measured).isNaN();

    HardwareReport hardware = HardwareReport.analytic(Cost.of(cnn)).withModelMemoryMb(measured);
    int[] labels = {0, 1, 0, 1};
    FairnessReport fairness =
        FairnessMetrics.compute(
            2,
            labels,
            labels,
            List.of(new GroupColumn("sex", List.of("male", "female"), new int[] {0, 0, 1, 1})));
    Evaluation evaluation = Evaluation.of(new SplitMetrics(0.5, 1.0), fairness, hardware);
    assertThat(hardware.memoryMeasured()).isFalse();
    assertThat(evaluation.metricsParagraph())
        .contains(
            String.format("model memory %.1f MB (analytic, batch 2)", hardware.analyticMemoryMb()));
  }
}
