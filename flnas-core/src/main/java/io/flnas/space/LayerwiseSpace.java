package io.flnas.space;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import com.google.common.collect.Sets;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The paper's layer-wise CNN space: the allowed ranges of conv layers, filters, kernels, strides,
 * normalization and activation kinds, pooling, dropout, residual and depthwise blocks and head
 * sizes. Immutable; build one with {@link SearchSpace#builder()} or take {@link
 * SearchSpaces#paperCnn()}. Its jobs live in package-private companions: validation ({@code
 * LayerwiseValidation}), prompt text ({@code LayerwiseDescription}), sampling ({@code
 * LayerwiseSampler}) and mutation ({@code LayerwiseMutation}); this class holds the ranges.
 *
 * <pre>{@code
 * LayerwiseSpace space = SearchSpace.builder().convLayers(2, 8).filters(16, 32, 64).build();
 * Architecture a = space.sample(new Random(1), Shape.image(3, 32, 32), 8);
 * }</pre>
 */
public final class LayerwiseSpace implements SearchSpace {
  private final int minConvLayers;
  private final int maxConvLayers;
  private final ImmutableSortedSet<Integer> filters;
  private final ImmutableSortedSet<Integer> kernels;
  private final ImmutableSortedSet<Integer> strides;
  private final ImmutableSortedSet<Integer> poolKernels;
  private final Set<NormKind> norms;
  private final Set<ActivationKind> activations;
  private final Set<PoolKind> pools;
  private final ImmutableSortedSet<Double> dropoutRates;
  private final ImmutableSortedSet<Integer> headUnits;
  private final int maxHiddenLinear;
  private final boolean residual;
  private final boolean depthwise;

  private LayerwiseSpace(Builder b) {
    this.minConvLayers = b.minConvLayers;
    this.maxConvLayers = b.maxConvLayers;
    this.filters = b.filters;
    this.kernels = b.kernels;
    this.strides = b.strides;
    this.poolKernels = b.poolKernels;
    this.norms = Sets.immutableEnumSet(b.norms);
    this.activations = Sets.immutableEnumSet(b.activations);
    this.pools = Sets.immutableEnumSet(b.pools);
    this.dropoutRates = b.dropoutRates;
    this.headUnits = b.headUnits;
    this.maxHiddenLinear = b.maxHiddenLinear;
    this.residual = b.residual;
    this.depthwise = b.depthwise;
  }

  /** A builder with the paper's defaults; {@link SearchSpace#builder()} returns the same. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this space's settings, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.minConvLayers = minConvLayers;
    b.maxConvLayers = maxConvLayers;
    b.filters = filters;
    b.kernels = kernels;
    b.strides = strides;
    b.poolKernels = poolKernels;
    b.norms = List.copyOf(norms);
    b.activations = List.copyOf(activations);
    b.pools = List.copyOf(pools);
    b.dropoutRates = dropoutRates;
    b.headUnits = headUnits;
    b.maxHiddenLinear = maxHiddenLinear;
    b.residual = residual;
    b.depthwise = depthwise;
    return b;
  }

  /**
   * Every rule the architecture breaks: search-space rules per layer, then shape rules (a spatial
   * size below 1, channels that do not line up, an output that is not the class count).
   */
  @Override
  public List<Violation> validate(Architecture architecture) {
    return LayerwiseValidation.validate(this, architecture);
  }

  @Override
  public String describe() {
    return LayerwiseDescription.describe(this);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Draws until an architecture is valid, at most 200 times.
   */
  @Override
  public Architecture sample(Random random, Shape input, int numClasses) {
    return LayerwiseSampler.sample(this, random, input, numClasses);
  }

  /**
   * A valid neighbour of {@code parent}: one random edit (filters, kernel, normalization kind,
   * activation kind, insert or remove a conv block, dropout, pooling), retried until the result is
   * valid and differs from the parent; after 100 failed edits, a fresh sample.
   */
  @Override
  public Architecture mutate(Architecture parent, Random random) {
    return LayerwiseMutation.mutate(this, parent, random);
  }

  /** Fewest conv2d layers, counting those inside residual bodies. */
  public int minConvLayers() {
    return minConvLayers;
  }

  /** Most conv2d layers, counting those inside residual bodies. */
  public int maxConvLayers() {
    return maxConvLayers;
  }

  /** Allowed conv2d filter counts. */
  public ImmutableSortedSet<Integer> filters() {
    return filters;
  }

  /** Allowed conv2d kernel sizes. */
  public ImmutableSortedSet<Integer> kernels() {
    return kernels;
  }

  /** Allowed conv2d strides; always includes 1. */
  public ImmutableSortedSet<Integer> strides() {
    return strides;
  }

  /** Allowed normalization kinds. */
  public Set<NormKind> norms() {
    return norms;
  }

  /** Allowed activation kinds. */
  public Set<ActivationKind> activations() {
    return activations;
  }

  /** Allowed pooling kinds; empty forbids pooling layers. */
  public Set<PoolKind> pools() {
    return pools;
  }

  /** Allowed dropout rates. */
  public ImmutableSortedSet<Double> dropoutRates() {
    return dropoutRates;
  }

  /** Allowed pooling kernels (stride 2). */
  public ImmutableSortedSet<Integer> poolKernels() {
    return poolKernels;
  }

  /** Allowed units of a hidden linear layer. */
  public ImmutableSortedSet<Integer> headUnits() {
    return headUnits;
  }

  /** Most hidden linear layers before the classifier. */
  public int maxHiddenLinear() {
    return maxHiddenLinear;
  }

  /** Whether residual blocks are allowed. */
  public boolean residualAllowed() {
    return residual;
  }

  /** Whether grouped and depthwise convolutions are allowed. */
  public boolean depthwiseAllowed() {
    return depthwise;
  }

  @Override
  public String toString() {
    return "SearchSpace{" + describe().replace('\n', ' ') + "}";
  }

  /** Settings for a {@link LayerwiseSpace}; every setter validates its value at once. */
  public static final class Builder {
    private int minConvLayers = 2;
    private int maxConvLayers = 8;
    private ImmutableSortedSet<Integer> filters =
        ImmutableSortedSet.of(16, 24, 32, 48, 64, 96, 128);
    private ImmutableSortedSet<Integer> kernels = ImmutableSortedSet.of(1, 3, 5, 7);
    private ImmutableSortedSet<Integer> strides = ImmutableSortedSet.of(1, 2);
    private ImmutableSortedSet<Integer> poolKernels = ImmutableSortedSet.of(2, 3);
    private List<NormKind> norms = List.of(NormKind.values());
    private List<ActivationKind> activations = List.of(ActivationKind.values());
    private List<PoolKind> pools = List.of(PoolKind.values());
    private ImmutableSortedSet<Double> dropoutRates =
        ImmutableSortedSet.of(0.0, 0.1, 0.2, 0.3, 0.5);
    private ImmutableSortedSet<Integer> headUnits = ImmutableSortedSet.of(64, 128, 256);
    private int maxHiddenLinear = 1;
    private boolean residual = true;
    private boolean depthwise = true;

    private Builder() {}

    /** Number of conv2d layers, default 2 to 8. */
    public Builder convLayers(int min, int max) {
      Preconditions.checkArgument(min >= 1, "min conv layers must be >= 1, but was %s", min);
      Preconditions.checkArgument(
          max >= min, "max conv layers must be >= min (%s), but was %s", min, max);
      this.minConvLayers = min;
      this.maxConvLayers = max;
      return this;
    }

    /** Filter counts, default 16, 24, 32, 48, 64, 96, 128. */
    public Builder filters(Integer... values) {
      this.filters = positives("filters", values);
      return this;
    }

    /** Kernel sizes, default 1, 3, 5, 7. */
    public Builder kernels(Integer... values) {
      this.kernels = positives("kernels", values);
      return this;
    }

    /** Strides, default 1 and 2. */
    public Builder strides(Integer... values) {
      this.strides = positives("strides", values);
      return this;
    }

    /** Pooling kernels, default 2 and 3 (stride 2). */
    public Builder poolKernels(Integer... values) {
      this.poolKernels = positives("poolKernels", values);
      return this;
    }

    /** Normalization kinds, default all. */
    public Builder norms(NormKind... kinds) {
      Preconditions.checkArgument(kinds.length > 0, "norms must not be empty");
      this.norms = List.of(kinds);
      return this;
    }

    /** Activation kinds, default all. */
    public Builder activations(ActivationKind... kinds) {
      Preconditions.checkArgument(kinds.length > 0, "activations must not be empty");
      this.activations = List.of(kinds);
      return this;
    }

    /** Pooling kinds, default max and avg; empty forbids pooling layers. */
    public Builder pools(PoolKind... kinds) {
      this.pools = List.of(kinds);
      return this;
    }

    /** Dropout rates, default 0, 0.1, 0.2, 0.3, 0.5. */
    public Builder dropoutRates(Double... rates) {
      for (Double rate : rates) {
        Preconditions.checkArgument(
            rate != null && rate >= 0 && rate < 1,
            "dropout rates must be in [0, 1), but was %s",
            rate);
      }
      this.dropoutRates = ImmutableSortedSet.copyOf(rates);
      return this;
    }

    /** Hidden linear layer sizes and how many such layers, default 64/128/256 and 1. */
    public Builder head(int maxHidden, Integer... units) {
      Preconditions.checkArgument(maxHidden >= 0, "maxHidden must be >= 0, but was %s", maxHidden);
      this.maxHiddenLinear = maxHidden;
      this.headUnits = units.length == 0 ? ImmutableSortedSet.of() : positives("head units", units);
      return this;
    }

    /** Whether residual blocks are allowed, default true. */
    public Builder residual(boolean allowed) {
      this.residual = allowed;
      return this;
    }

    /** Whether grouped/depthwise convolutions are allowed, default true. */
    public Builder depthwise(boolean allowed) {
      this.depthwise = allowed;
      return this;
    }

    /** The space; strides must include 1. */
    public LayerwiseSpace build() {
      Preconditions.checkState(strides.contains(1), "strides must include 1, but were %s", strides);
      return new LayerwiseSpace(this);
    }

    private static ImmutableSortedSet<Integer> positives(String what, Integer... values) {
      Preconditions.checkArgument(values.length > 0, "%s must not be empty", what);
      for (Integer value : values) {
        Preconditions.checkArgument(
            value != null && value > 0, "%s must be > 0, but was %s", what, value);
      }
      return ImmutableSortedSet.copyOf(ImmutableList.copyOf(values));
    }
  }
}
