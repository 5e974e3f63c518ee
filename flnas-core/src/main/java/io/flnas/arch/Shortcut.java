package io.flnas.arch;

import java.util.Locale;

/**
 * The shortcut of a {@link Layer.Residual}: the identity (shapes must match), or a projection, a
 * 1x1 convolution with the body's stride and no bias followed by a normalization, as torchvision's
 * ResNet downsample.
 */
public enum Shortcut {
  IDENTITY,
  PROJECTION;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Shortcut of(String key) {
    return Keys.parse(Shortcut.class, key, "shortcut");
  }
}
