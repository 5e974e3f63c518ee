package io.flnas.space;

import com.google.common.base.Preconditions;
import io.flnas.TemplateParseException;
import io.flnas.arch.Shape;
import io.flnas.space.Template.Parsed;
import java.util.ArrayList;
import java.util.List;

/**
 * Several architectures in one reply of the PyTorch template: {@code nn.Sequential(...)}
 * expressions one after another, with or without fences and prose between them. Each top-level
 * expression is read on its own by {@link PyTorchTemplate#parse}, so one bad expression leaves the
 * others readable; {@code nn.Sequential} inside a {@code Residual} belongs to its expression.
 */
final class PyTorchBatch {
  private static final String SEQUENTIAL = "Sequential(";

  private PyTorchBatch() {}

  static String formatInstructions(Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return PyTorchTemplate.INSTANCE.formatInstructions(input, numClasses);
    }
    return "Answer with exactly "
        + count
        + " different PyTorch nn.Sequential(...) expressions,"
        + " one after another, each starting on a new line, and nothing else. In each: "
        + PyTorchTemplate.rules(input, numClasses);
  }

  static List<Parsed> parseAll(String reply, Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return List.of(Parsed.of(1, PyTorchTemplate.INSTANCE.parse(reply, input, numClasses)));
    }
    if (reply == null || reply.isBlank()) {
      throw new TemplateParseException(
          "the reply is empty; answer with " + count + " nn.Sequential(...) expressions");
    }
    List<String> expressions = expressions(reply);
    if (expressions.isEmpty()) {
      throw new TemplateParseException("no nn.Sequential(...) found in the reply");
    }
    return Parsed.each(
        expressions, count, text -> PyTorchTemplate.INSTANCE.parse(text, input, numClasses));
  }

  /**
   * The top-level {@code [nn.]Sequential(...)} expressions of a reply, in order. One the reply cuts
   * off is returned as far as it goes; one with no call inside (prose such as "three
   * nn.Sequential(...) models") is skipped.
   */
  static List<String> expressions(String reply) {
    List<String> found = new ArrayList<>();
    int from = 0;
    while (true) {
      int at = reply.indexOf(SEQUENTIAL, from);
      if (at < 0) {
        return found;
      }
      int start = at;
      while (start > 0
          && (Character.isLetterOrDigit(reply.charAt(start - 1))
              || reply.charAt(start - 1) == '.'
              || reply.charAt(start - 1) == '_')) {
        start--; // nn.Sequential, torch.nn.Sequential
      }
      int open = at + SEQUENTIAL.length() - 1;
      int end = Replies.close(reply, open);
      if (end < 0) {
        found.add(reply.substring(start));
        return found;
      }
      if (reply.substring(open + 1, end).contains("(")) {
        found.add(reply.substring(start, end + 1));
      }
      from = end + 1;
    }
  }
}
