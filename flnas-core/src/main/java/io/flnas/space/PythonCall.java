package io.flnas.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed Python call {@code name(positional..., key=value...)}, as {@link PythonCallParser} reads
 * it. Argument values are {@code Double}, {@code String}, {@code Boolean}, {@code List} (a tuple or
 * list) or a nested {@code PythonCall}; {@code None} is null. The typed getters look an argument up
 * by keyword first, then by position, and throw {@link IllegalArgumentException} with the
 * argument's name when it is missing or of the wrong type.
 */
final class PythonCall {
  final String name;
  final List<Object> positional = new ArrayList<>();
  final Map<String, Object> keyword = new LinkedHashMap<>();

  PythonCall(String name) {
    this.name = name;
  }

  private Object arg(int index, String key) {
    if (keyword.containsKey(key)) {
      return keyword.get(key);
    }
    return index < positional.size() ? positional.get(index) : null;
  }

  int integer(int index, String key) {
    Object value = arg(index, key);
    if (value == null) {
      throw new IllegalArgumentException("missing argument " + key);
    }
    return asInt(value, key);
  }

  int optionalInt(int index, String key, int fallback) {
    Object value = arg(index, key);
    return value == null ? fallback : asInt(value, key);
  }

  double number(int index, String key, double fallback) {
    Object value = arg(index, key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Double d)) {
      throw new IllegalArgumentException(key + " must be a number, but was " + value);
    }
    return d;
  }

  boolean optionalBool(int index, String key, boolean fallback) {
    Object value = arg(index, key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(key + " must be True or False, but was " + value);
    }
    return b;
  }

  private static int asInt(Object value, String key) {
    if (value instanceof List<?> tuple && tuple.size() == 2 && tuple.get(0).equals(tuple.get(1))) {
      value = tuple.get(0); // kernel_size=(3, 3)
    }
    if (value instanceof Double d && d == Math.rint(d)) {
      return d.intValue();
    }
    throw new IllegalArgumentException(key + " must be an integer, but was " + value);
  }
}
