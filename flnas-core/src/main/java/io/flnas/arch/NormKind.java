package io.flnas.arch;

import java.util.Locale;

/**
 * Normalization kinds. Every kind except {@link #NONE} has a learnable scale and shift per channel
 * (2 x channels trainable parameters). On feature maps, {@link #LAYER} normalizes over all channels
 * and positions of a sample (GroupNorm with one group) and {@link #INSTANCE} over each channel's
 * positions (GroupNorm with one group per channel): that keeps the parameter count independent of
 * the image size, which is what a search over image sizes needs.
 */
public enum NormKind {
  BATCH,
  GROUP,
  LAYER,
  INSTANCE,
  NONE;

  /** The lower-case name used in JSON and prompts. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a kind from its key, case-insensitively. */
  public static NormKind of(String key) {
    return Keys.parse(NormKind.class, key, "normalization kind");
  }
}
