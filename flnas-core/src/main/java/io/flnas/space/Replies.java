package io.flnas.space;

import io.flnas.TemplateParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the answer inside a model's reply: markdown fences, prose around it. */
final class Replies {
  private static final Pattern FENCE = Pattern.compile("```[a-zA-Z0-9_+-]*\\s*\\n?(.*?)```",
      Pattern.DOTALL);

  private Replies() {}

  /** The first fenced block containing {@code marker}, or the whole reply when none does. */
  static String unfence(String reply, String marker) {
    Matcher m = FENCE.matcher(reply);
    while (m.find()) {
      if (m.group(1).contains(marker)) {
        return m.group(1);
      }
    }
    // An unterminated fence (a reply cut off at the token limit) still yields its content.
    int open = reply.indexOf("```");
    if (open >= 0 && reply.indexOf("```", open + 3) < 0) {
      int newline = reply.indexOf('\n', open);
      return newline < 0 ? reply.substring(open + 3) : reply.substring(newline + 1);
    }
    return reply;
  }

  /**
   * The balanced {@code {...}} (or {@code [...]}) starting at the first opening bracket, skipping
   * brackets inside quoted strings.
   */
  static String balanced(String text, char open, char close) {
    int start = text.indexOf(open);
    if (start < 0) {
      throw new TemplateParseException("no '" + open + "' found in the reply; answer with the"
          + " architecture in the required format");
    }
    int depth = 0;
    char quote = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return text.substring(start, i + 1);
      }
    }
    throw new TemplateParseException("the reply is cut off: '" + open + "' at character " + start
        + " is never closed with '" + close + "'");
  }
}
