package io.flnas;

/**
 * A designer's reply that could not be read as an architecture. The message is written to be sent
 * back to a language model as feedback: it says what was expected and where the reply broke.
 */
public class TemplateParseException extends FlNasException {
  public TemplateParseException(String message) {
    super(message);
  }

  public TemplateParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
