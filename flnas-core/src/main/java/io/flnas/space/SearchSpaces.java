package io.flnas.space;

import io.flnas.arch.ActivationKind;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;

/**
 * Ready-made search spaces: the paper's layer-wise CNN space and a small variant of it. Both are
 * {@link LayerwiseSpace}s, so {@code toBuilder()} derives a variant; a space of another shape
 * implements {@link SearchSpace}.
 */
public final class SearchSpaces {
  private SearchSpaces() {}

  /**
   * The paper's CNN template: 2 to 8 conv layers, 16 to 128 filters, kernels 1/3/5/7, strides 1/2,
   * every normalization and activation kind, max/avg pooling, dropout, residual and depthwise
   * blocks, at most one hidden linear layer.
   */
  public static LayerwiseSpace paperCnn() {
    return SearchSpace.builder().build();
  }

  /**
   * A small space for quick experiments and tests: 1 to 4 conv layers of 8 to 32 filters, 3x3 or
   * 1x1 kernels, batch/group/no normalization, ReLU or SiLU, max pooling, no hidden linear layer.
   */
  public static LayerwiseSpace tiny() {
    return SearchSpace.builder()
        .convLayers(1, 4)
        .filters(8, 16, 32)
        .kernels(1, 3)
        .poolKernels(2)
        .norms(NormKind.BATCH, NormKind.GROUP, NormKind.NONE)
        .activations(ActivationKind.RELU, ActivationKind.SILU)
        .pools(PoolKind.MAX)
        .dropoutRates(0.0, 0.1, 0.2)
        .head(0)
        .build();
  }

  private static final NasBench201Space NAS_BENCH_201 = new NasBench201Space();
  private static final NasBenchMacroSpace NAS_BENCH_MACRO = new NasBenchMacroSpace();

  /** NAS-Bench-201's cell space (5^6 cells in a fixed network); see {@link NasBench201Space}. */
  public static NasBench201Space nasBench201() {
    return NAS_BENCH_201;
  }

  /** NAS-Bench-Macro's layer-wise space (3^8 networks); see {@link NasBenchMacroSpace}. */
  public static NasBenchMacroSpace nasBenchMacro() {
    return NAS_BENCH_MACRO;
  }
}
