package io.flnas.space;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import com.google.common.hash.Hashing;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.Shape;
import io.flnas.arch.Shapes;
import io.flnas.arch.Violation;
import io.flnas.DesignerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The allowed ranges of a search ("Choices" in the paper). It validates an architecture into a list
 * of {@link Violation}s (search-space rules and shape rules together), describes itself as prompt
 * text, samples a random valid architecture and mutates one. Immutable; build one with {@link
 * #builder()} or take {@link SearchSpaces#paperCnn()}.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.builder().convLayers(2, 8).filters(16, 32, 64).build();
 * List<Violation> problems = space.validate(architecture);
 * }</pre>
 */
public final class SearchSpace {
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

  private SearchSpace(Builder b) {
    this.minConvLayers = b.minConvLayers;
    this.maxConvLayers = b.maxConvLayers;
    this.filters = b.filters;
    this.kernels = b.kernels;
    this.strides = b.strides;
    this.poolKernels = b.poolKernels;
    this.norms = com.google.common.collect.Sets.immutableEnumSet(b.norms);
    this.activations = com.google.common.collect.Sets.immutableEnumSet(b.activations);
    this.pools = com.google.common.collect.Sets.immutableEnumSet(b.pools);
    this.dropoutRates = b.dropoutRates;
    this.headUnits = b.headUnits;
    this.maxHiddenLinear = b.maxHiddenLinear;
    this.residual = b.residual;
    this.depthwise = b.depthwise;
  }

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
   * Every rule the architecture breaks: search-space rules per layer, then shape rules. Empty
   * means valid.
   */
  public List<Violation> validate(Architecture architecture) {
    List<Violation> violations = new ArrayList<>();
    int[] hidden = {0};
    checkLayers(architecture.layers(), "layers", violations, hidden, architecture.numClasses());
    int convs = architecture.convLayerCount();
    if (convs < minConvLayers || convs > maxConvLayers) {
      violations.add(new Violation("architecture", "number of conv2d layers must be between "
          + minConvLayers + " and " + maxConvLayers, String.valueOf(convs)));
    }
    if (hidden[0] > maxHiddenLinear) {
      violations.add(new Violation("architecture", "at most " + maxHiddenLinear
          + " hidden linear layers before the classifier", String.valueOf(hidden[0])));
    }
    violations.addAll(Shapes.infer(architecture).violations());
    return violations;
  }

  private void checkLayers(List<Layer> layers, String path, List<Violation> out, int[] hidden,
      int classes) {
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String where = path + "[" + i + "] (" + layer.type() + ")";
      if (layer instanceof Layer.Conv2d c) {
        require(filters.contains(c.filters()), where, "filters must be one of " + filters,
            c.filters(), out);
        require(kernels.contains(c.kernel()), where, "kernel must be one of " + kernels,
            c.kernel(), out);
        require(strides.contains(c.stride()), where, "stride must be one of " + strides,
            c.stride(), out);
        require(c.padding() <= c.kernel() / 2, where,
            "padding must be at most kernel/2 (" + c.kernel() / 2 + ")", c.padding(), out);
        require(c.groups() == 1 || depthwise, where,
            "grouped or depthwise convolution is not allowed (groups must be 1)", c.groups(), out);
      } else if (layer instanceof Layer.Norm n) {
        require(norms.contains(n.kind()), where, "normalization must be one of " + keys(norms),
            n.kind().key(), out);
      } else if (layer instanceof Layer.Activation a) {
        require(activations.contains(a.kind()), where,
            "activation must be one of " + keys(activations), a.kind().key(), out);
      } else if (layer instanceof Layer.Pool p) {
        require(pools.contains(p.kind()), where, "pooling must be one of " + keys(pools),
            p.kind().key(), out);
        require(poolKernels.contains(p.kernel()), where,
            "pool kernel must be one of " + poolKernels, p.kernel(), out);
      } else if (layer instanceof Layer.Dropout d) {
        boolean allowed = dropoutRates.stream().anyMatch(r -> Math.abs(r - d.rate()) < 1e-9);
        require(allowed, where, "dropout rate must be one of " + dropoutRates, d.rate(), out);
      } else if (layer instanceof Layer.Linear l) {
        boolean last = path.equals("layers") && isLastLinear(layers, i);
        if (!last) {
          hidden[0]++;
          require(headUnits.contains(l.units()), where,
              "hidden linear units must be one of " + headUnits, l.units(), out);
        } else {
          require(l.units() == classes, where, "the classifier must have " + classes + " units",
              l.units(), out);
        }
      } else if (layer instanceof Layer.Residual r) {
        require(residual, where, "residual blocks are not allowed", "residual", out);
        require(r.projectionNorm() == NormKind.NONE || norms.contains(r.projectionNorm()), where,
            "projection normalization must be one of " + keys(norms), r.projectionNorm().key(),
            out);
        checkLayers(r.body(), path + "[" + i + "].body", out, hidden, classes);
      }
    }
  }

  private static boolean isLastLinear(List<Layer> layers, int index) {
    for (int j = index + 1; j < layers.size(); j++) {
      if (layers.get(j) instanceof Layer.Linear) {
        return false;
      }
    }
    return true;
  }

  private static void require(boolean ok, String where, String rule, Object value,
      List<Violation> out) {
    if (!ok) {
      out.add(new Violation(where, rule, String.valueOf(value)));
    }
  }

  private static String keys(Collection<? extends Enum<?>> kinds) {
    return kinds.stream().map(k -> k.name().toLowerCase()).collect(Collectors.joining(", ", "[", "]"));
  }

  /** The space as prompt text: one line per choice. */
  public String describe() {
    return String.join("\n",
        "- number of conv2d layers (including those inside residual blocks): " + minConvLayers
            + " to " + maxConvLayers,
        "- conv2d filters: " + filters + "; kernel sizes: " + kernels + "; strides: " + strides
            + "; padding at most kernel/2",
        "- normalization: " + keys(norms) + (norms.contains(NormKind.GROUP)
            ? " (group norm groups must divide the channels)" : ""),
        "- activations: " + keys(activations),
        "- pooling: " + keys(pools) + " with kernel " + poolKernels
            + ", and global average pooling before the classifier",
        "- dropout rates: " + dropoutRates,
        "- residual blocks: " + (residual ? "allowed (identity shortcut when the body keeps the"
            + " shape, projection shortcut otherwise)" : "not allowed"),
        "- depthwise convolutions (groups = channels): " + (depthwise ? "allowed" : "not allowed"),
        "- hidden linear layers before the classifier: at most " + maxHiddenLinear + " with units "
            + headUnits,
        "- the spatial size must stay at least 1x1 after every layer");
  }

  /** A stable fingerprint of the settings, for journal headers. */
  public String fingerprint() {
    return Hashing.sha256().hashString(describe(), StandardCharsets.UTF_8).toString()
        .substring(0, 16);
  }

  /**
   * A random valid architecture for the given input and classes.
   *
   * @throws DesignerException if no valid architecture was drawn in 200 tries (a space whose
   *     choices cannot fit the input, say)
   */
  public Architecture sample(Random random, Shape input, int numClasses) {
    List<Violation> last = List.of();
    for (int attempt = 0; attempt < 200; attempt++) {
      Architecture candidate = draw(random, input, numClasses);
      last = validate(candidate);
      if (last.isEmpty()) {
        return candidate;
      }
    }
    throw new DesignerException("could not sample a valid architecture for input " + input
        + " from this search space; last problems: " + last);
  }

  private Architecture draw(Random random, Shape input, int numClasses) {
    int convs = minConvLayers + random.nextInt(maxConvLayers - minConvLayers + 1);
    NormKind globalNorm = pick(random, List.copyOf(norms));
    ActivationKind globalAct = pick(random, List.copyOf(activations));
    boolean mixed = random.nextDouble() < 0.25;
    List<Layer> layers = new ArrayList<>();
    int channels = input.channels();
    int size = Math.min(input.height(), input.width());
    int made = 0;
    while (made < convs) {
      int filter = pick(random, List.copyOf(filters));
      int kernel = pick(random, List.copyOf(kernels));
      int stride = strides.contains(2) && size >= 8 && random.nextDouble() < 0.3 ? 2 : 1;
      if (!strides.contains(stride)) {
        stride = strides.first();
      }
      NormKind norm = mixed ? pick(random, List.copyOf(norms)) : globalNorm;
      ActivationKind act = mixed ? pick(random, List.copyOf(activations)) : globalAct;
      List<Layer> block = new ArrayList<>();
      if (depthwise && made > 0 && made + 2 <= convs && kernels.contains(1)
          && filters.contains(channels) && random.nextDouble() < 0.15) {
        block.add(new Layer.Conv2d(channels, kernel, stride, kernel / 2, channels, false));
        block.add(norm(norm, channels));
        block.add(new Layer.Activation(act));
        block.add(new Layer.Conv2d(filter, 1, 1, 0, 1, false));
        block.add(norm(norm, filter));
        made += 2;
      } else {
        block.add(new Layer.Conv2d(filter, kernel, stride, kernel / 2, 1, false));
        block.add(norm(norm, filter));
        made += 1;
      }
      if (residual && random.nextDouble() < 0.3) {
        boolean keeps = stride == 1 && filter == channels;
        layers.add(keeps ? Layer.Residual.identity(block) : Layer.Residual.projection(block));
      } else {
        layers.addAll(block);
      }
      layers.add(new Layer.Activation(act));
      channels = filter;
      size = (size - 1) / stride + 1;
      if (!pools.isEmpty() && size >= 4 && random.nextDouble() < 0.35) {
        int k = pick(random, List.copyOf(poolKernels));
        layers.add(new Layer.Pool(pick(random, List.copyOf(pools)), k, 2, 0));
        size = (size - k) / 2 + 1;
      }
      if (random.nextDouble() < 0.15) {
        dropout(random).ifPresent(layers::add);
      }
    }
    layers.add(new Layer.GlobalAvgPool());
    if (maxHiddenLinear > 0 && !headUnits.isEmpty() && random.nextDouble() < 0.3) {
      layers.add(new Layer.Linear(pick(random, List.copyOf(headUnits)), true));
      layers.add(new Layer.Activation(globalAct));
    }
    if (random.nextDouble() < 0.4) {
      dropout(random).ifPresent(layers::add);
    }
    layers.add(new Layer.Linear(numClasses, true));
    return new Architecture("", input, numClasses, layers);
  }

  private java.util.Optional<Layer> dropout(Random random) {
    List<Double> rates = dropoutRates.stream().filter(r -> r > 0).collect(Collectors.toList());
    return rates.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(new Layer.Dropout(pick(random, rates)));
  }

  private static Layer norm(NormKind kind, int channels) {
    if (kind == NormKind.GROUP) {
      for (int groups : new int[] {8, 4, 2}) {
        if (channels % groups == 0) {
          return new Layer.Norm(kind, groups);
        }
      }
      return new Layer.Norm(NormKind.LAYER, 1);
    }
    return Layer.Norm.of(kind);
  }

  /**
   * A valid neighbour of {@code parent}: one random edit (filters, kernel, normalization kind,
   * activation kind, insert or remove a conv block, dropout, pooling), retried until the result is
   * valid and differs from the parent; after 100 failed edits, a fresh sample.
   */
  public Architecture mutate(Architecture parent, Random random) {
    for (int attempt = 0; attempt < 100; attempt++) {
      List<Layer> layers = Mutations.apply(this, parent, random);
      if (layers == null) {
        continue;
      }
      Architecture child = parent.withLayers(layers).withName("");
      if (!child.sameStructure(parent) && validate(child).isEmpty()) {
        return child;
      }
    }
    return sample(random, parent.input(), parent.numClasses());
  }

  static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  public int minConvLayers() {
    return minConvLayers;
  }

  public int maxConvLayers() {
    return maxConvLayers;
  }

  public ImmutableSortedSet<Integer> filters() {
    return filters;
  }

  public ImmutableSortedSet<Integer> kernels() {
    return kernels;
  }

  public Set<NormKind> norms() {
    return norms;
  }

  public Set<ActivationKind> activations() {
    return activations;
  }

  public Set<PoolKind> pools() {
    return pools;
  }

  public ImmutableSortedSet<Double> dropoutRates() {
    return dropoutRates;
  }

  public ImmutableSortedSet<Integer> poolKernels() {
    return poolKernels;
  }

  public boolean residualAllowed() {
    return residual;
  }

  @Override
  public String toString() {
    return "SearchSpace{" + describe().replace('\n', ' ') + "}";
  }

  /** Settings for a {@link SearchSpace}; every setter validates its value at once. */
  public static final class Builder {
    private int minConvLayers = 2;
    private int maxConvLayers = 8;
    private ImmutableSortedSet<Integer> filters = ImmutableSortedSet.of(16, 24, 32, 48, 64, 96, 128);
    private ImmutableSortedSet<Integer> kernels = ImmutableSortedSet.of(1, 3, 5, 7);
    private ImmutableSortedSet<Integer> strides = ImmutableSortedSet.of(1, 2);
    private ImmutableSortedSet<Integer> poolKernels = ImmutableSortedSet.of(2, 3);
    private List<NormKind> norms = List.of(NormKind.values());
    private List<ActivationKind> activations = List.of(ActivationKind.values());
    private List<PoolKind> pools = List.of(PoolKind.values());
    private ImmutableSortedSet<Double> dropoutRates = ImmutableSortedSet.of(0.0, 0.1, 0.2, 0.3, 0.5);
    private ImmutableSortedSet<Integer> headUnits = ImmutableSortedSet.of(64, 128, 256);
    private int maxHiddenLinear = 1;
    private boolean residual = true;
    private boolean depthwise = true;

    private Builder() {}

    /** Number of conv2d layers, default 2 to 8. */
    public Builder convLayers(int min, int max) {
      Preconditions.checkArgument(min >= 1, "min conv layers must be >= 1, but was %s", min);
      Preconditions.checkArgument(max >= min, "max conv layers must be >= min (%s), but was %s",
          min, max);
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
        Preconditions.checkArgument(rate != null && rate >= 0 && rate < 1,
            "dropout rates must be in [0, 1), but was %s", rate);
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

    public SearchSpace build() {
      Preconditions.checkState(strides.contains(1), "strides must include 1, but were %s", strides);
      return new SearchSpace(this);
    }

    private static ImmutableSortedSet<Integer> positives(String what, Integer... values) {
      Preconditions.checkArgument(values.length > 0, "%s must not be empty", what);
      for (Integer value : values) {
        Preconditions.checkArgument(value != null && value > 0, "%s must be > 0, but was %s", what,
            value);
      }
      return ImmutableSortedSet.copyOf(ImmutableList.copyOf(values));
    }
  }
}
