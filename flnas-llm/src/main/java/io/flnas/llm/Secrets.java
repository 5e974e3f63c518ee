package io.flnas.llm;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of text that may reach logs, journals, transcripts or exceptions: every
 * configured secret, and anything shaped like an OpenAI key or a bearer token, becomes {@code ***}.
 */
public final class Secrets {
  private static final Pattern KEY_LIKE =
      Pattern.compile("(sk-[A-Za-z0-9_\\-]{6,}|Bearer\\s+[A-Za-z0-9._\\-]{6,})");

  private Secrets() {}

  public static String redact(String text, List<String> secrets) {
    if (text == null) {
      return "";
    }
    String result = text;
    for (String secret : secrets) {
      if (secret != null && secret.length() >= 4) {
        result = result.replace(secret, "***");
      }
    }
    return KEY_LIKE.matcher(result).replaceAll("***");
  }
}
