package io.flnas.space;

import java.util.List;
import java.util.Locale;

/** Ready-made templates. */
public final class Templates {
  private Templates() {}

  public static final List<String> NAMES = List.of("json", "pytorch");

  /** Canonical JSON, with a JSON schema for structured output. */
  public static Template json() {
    return JsonTemplate.INSTANCE;
  }

  /** PyTorch {@code nn.Sequential(...)} text, as in the paper. */
  public static Template pytorch() {
    return PyTorchTemplate.INSTANCE;
  }

  public static Template byName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "json":
        return json();
      case "pytorch":
      case "torch":
        return pytorch();
      default:
        throw new IllegalArgumentException(
            "unknown template '" + name + "'; expected one of " + NAMES);
    }
  }
}
