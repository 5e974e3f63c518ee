package io.flnas.space;

import io.flnas.arch.NormKind;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@link LayerwiseSpace#describe}: the space as prompt text, one line per choice. The text is also
 * what {@link SearchSpace#fingerprint()} hashes, so a change of wording changes the fingerprint in
 * journal headers and makes old journals refuse to resume.
 */
final class LayerwiseDescription {
  private LayerwiseDescription() {}

  static String describe(LayerwiseSpace space) {
    return String.join(
        "\n",
        "- number of conv2d layers (including those inside residual blocks): "
            + space.minConvLayers()
            + " to "
            + space.maxConvLayers(),
        "- conv2d filters: "
            + space.filters()
            + "; kernel sizes: "
            + space.kernels()
            + "; strides: "
            + space.strides()
            + "; padding at most kernel/2",
        "- normalization: "
            + keys(space.norms())
            + (space.norms().contains(NormKind.GROUP)
                ? " (group norm groups must divide the channels)"
                : ""),
        "- activations: " + keys(space.activations()),
        "- pooling: "
            + keys(space.pools())
            + " with kernel "
            + space.poolKernels()
            + ", and global average pooling before the classifier",
        "- dropout rates: " + space.dropoutRates(),
        "- residual blocks: "
            + (space.residualAllowed()
                ? "allowed (identity shortcut when the body keeps the"
                    + " shape, projection shortcut otherwise)"
                : "not allowed"),
        "- depthwise convolutions (groups = channels): "
            + (space.depthwiseAllowed() ? "allowed" : "not allowed"),
        "- hidden linear layers before the classifier: at most "
            + space.maxHiddenLinear()
            + " with units "
            + space.headUnits(),
        "- the spatial size must stay at least 1x1 after every layer");
  }

  /** Enum kinds as the lower-case list the prompt and the violations show: {@code [relu, gelu]}. */
  static String keys(Collection<? extends Enum<?>> kinds) {
    return kinds.stream()
        .map(k -> k.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
