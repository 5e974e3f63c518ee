package io.flnas.arch;

import java.util.Locale;

/** Spatial pooling kinds. */
public enum PoolKind {
  MAX,
  AVG;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PoolKind of(String key) {
    return Keys.parse(PoolKind.class, key, "pooling kind");
  }
}
