package io.flnas.space;

import io.flnas.TemplateParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the answer inside a model's reply: markdown fences, prose around it, and the items of a
 * reply that holds several answers.
 */
final class Replies {
  private static final Pattern FENCE =
      Pattern.compile("```[a-zA-Z0-9_+-]*\\s*\\n?(.*?)```", Pattern.DOTALL);

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
      throw new TemplateParseException(
          "no '"
              + open
              + "' found in the reply; answer with the"
              + " architecture in the required format");
    }
    int end = close(text, start);
    if (end < 0) {
      throw new TemplateParseException(
          "the reply is cut off: '"
              + open
              + "' at character "
              + start
              + " is never closed with '"
              + close
              + "'");
    }
    return text.substring(start, end + 1);
  }

  /** The contents of every terminated fenced block, in order. */
  static List<String> fencedBlocks(String reply) {
    List<String> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(reply);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /**
   * The index of the bracket that closes the one at {@code open} (round, square or curly), skipping
   * quoted strings and {@code #} comments; -1 when the text ends first.
   */
  static int close(String text, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        int newline = text.indexOf('\n', i);
        i = newline < 0 ? text.length() : newline; // a Python or YAML comment
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The texts of the {@code {...}} and {@code [...]} items of the array whose {@code [} is at
   * {@code open}, in order; an item the text cuts off is returned as far as it goes.
   */
  static List<String> arrayItems(String text, int open) {
    List<String> items = new ArrayList<>();
    for (int i = open + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ']') {
        break;
      }
      if (c == '{' || c == '[') {
        int end = close(text, i);
        if (end < 0) {
          items.add(text.substring(i));
          break;
        }
        items.add(text.substring(i, end + 1));
        i = end;
      }
    }
    return items;
  }

  /**
   * The top-level {@code {...}} objects from {@code from} on, skipping prose between them; an
   * object the text cuts off is returned as far as it goes.
   */
  static List<String> objects(String text, int from) {
    List<String> items = new ArrayList<>();
    for (int i = text.indexOf('{', from); i >= 0; i = text.indexOf('{', i)) {
      int end = close(text, i);
      if (end < 0) {
        items.add(text.substring(i));
        break;
      }
      items.add(text.substring(i, end + 1));
      i = end + 1;
    }
    return items;
  }
}
