package io.flnas.arch;

import java.util.Locale;

/** Activation functions. {@code LEAKY_RELU} uses slope 0.01, as PyTorch does by default. */
public enum ActivationKind {
  RELU,
  RELU6,
  LEAKY_RELU,
  GELU,
  SILU;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ActivationKind of(String key) {
    return Keys.parse(ActivationKind.class, key, "activation kind");
  }
}
