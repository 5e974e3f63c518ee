package io.flnas.arch;

/**
 * One broken rule: where ({@code "layer 3 (conv2d)"}, {@code "layer 4.body[1] (norm)"} or
 * {@code "architecture"}), which rule, and the offending value.
 */
public record Violation(String location, String rule, String value) {
  @Override
  public String toString() {
    return location + ": " + rule + " (was " + value + ")";
  }
}
