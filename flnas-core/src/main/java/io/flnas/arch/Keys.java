package io.flnas.arch;

import com.google.common.base.Preconditions;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses lower-case enum keys with a message that lists the allowed values. */
final class Keys {
  private Keys() {}

  static <E extends Enum<E>> E parse(Class<E> type, String key, String what) {
    Preconditions.checkArgument(key != null, "%s must not be null", what);
    String normalized = key.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E value : type.getEnumConstants()) {
      if (value.name().equals(normalized)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "unknown %s '%s'; expected one of %s",
            what,
            key,
            Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))));
  }
}
