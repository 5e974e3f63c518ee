package io.flnas.space;

import io.flnas.TemplateParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over Python call syntax: calls with positional and keyword arguments, numbers,
 * strings, booleans, {@code None}, tuples and lists, and {@code #} comments. It reads the text as
 * data and never evaluates anything; a bare name that is not a literal is an error. Errors are
 * {@link TemplateParseException}s that give the line, the column and the text near them.
 */
final class PythonCallParser {
  private final String text;
  private int pos;

  PythonCallParser(String text, int start) {
    this.text = text;
    this.pos = start;
  }

  /** Reads the call that begins at the current position, up to its closing parenthesis. */
  PythonCall call() {
    String name = identifier();
    expect('(');
    PythonCall call = new PythonCall(name);
    skip();
    while (peek() != ')') {
      int mark = pos;
      String key = peekIdentifier();
      boolean keyword = false;
      if (key != null) {
        pos += key.length();
        skip();
        keyword = peek() == '=' && !(pos + 1 < text.length() && text.charAt(pos + 1) == '=');
      }
      if (keyword) {
        pos++;
        call.keyword.put(key, value());
      } else {
        pos = mark;
        call.positional.add(value());
      }
      skip();
      if (peek() == ',') {
        pos++;
        skip();
      } else if (peek() != ')') {
        throw error("expected ',' or ')'");
      }
    }
    pos++;
    return call;
  }

  private Object value() {
    skip();
    char c = peek();
    if (c == '\'' || c == '"') {
      int end = text.indexOf(c, pos + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String s = text.substring(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (c == '(' || c == '[') {
      char close = c == '(' ? ')' : ']';
      pos++;
      List<Object> items = new ArrayList<>();
      skip();
      while (peek() != close) {
        items.add(value());
        skip();
        if (peek() == ',') {
          pos++;
          skip();
        } else if (peek() != close) {
          throw error("expected ',' or '" + close + "'");
        }
      }
      pos++;
      return items;
    }
    if (c == '-' || c == '.' || Character.isDigit(c)) {
      int start = pos;
      pos++;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos))
              || text.charAt(pos) == '.'
              || text.charAt(pos) == '-'
              || text.charAt(pos) == '+')) {
        pos++;
      }
      String number = text.substring(start, pos);
      try {
        return Double.parseDouble(number);
      } catch (NumberFormatException e) {
        throw error("not a number: " + number);
      }
    }
    int mark = pos;
    String word = identifier();
    skip();
    if (peek() == '(') {
      pos = mark;
      return call();
    }
    switch (word) {
      case "True":
      case "true":
        return Boolean.TRUE;
      case "False":
      case "false":
        return Boolean.FALSE;
      case "None":
        return null;
      default:
        throw error(
            "unexpected name '"
                + word
                + "'; only literal values and module calls are"
                + " allowed");
    }
  }

  private String identifier() {
    skip();
    String word = peekIdentifier();
    if (word == null) {
      throw error("expected a name");
    }
    pos += word.length();
    return word;
  }

  private String peekIdentifier() {
    int end = pos;
    while (end < text.length()
        && (Character.isLetterOrDigit(text.charAt(end))
            || text.charAt(end) == '_'
            || text.charAt(end) == '.')) {
      end++;
    }
    return end == pos || !Character.isJavaIdentifierStart(text.charAt(pos))
        ? null
        : text.substring(pos, end);
  }

  private void expect(char c) {
    skip();
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("the reply ends before the expression is closed");
    }
    return text.charAt(pos);
  }

  private void skip() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        break;
      }
    }
  }

  private TemplateParseException error(String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    String near =
        text.substring(Math.min(pos, text.length()), Math.min(text.length(), pos + 20))
            .replace('\n', ' ');
    return new TemplateParseException(
        what + " at line " + line + ", column " + column + " near '" + near + "'");
  }
}
