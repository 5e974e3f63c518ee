package io.flnas.arch;

/**
 * One broken rule: where ({@code "layer 3 (conv2d)"}, {@code "layer 4.body[1] (norm)"} or {@code
 * "architecture"}), which rule, and the offending value.
 */
public record Violation(String location, String rule, String value) {

  /** The violations as one line, separated by {@code "; "}: the form errors and feedback use. */
  public static String join(java.util.List<Violation> violations) {
    StringBuilder text = new StringBuilder();
    for (Violation v : violations) {
      text.append(text.isEmpty() ? "" : "; ").append(v);
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return location + ": " + rule + " (was " + value + ")";
  }
}
