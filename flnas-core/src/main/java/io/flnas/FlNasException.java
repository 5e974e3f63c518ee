package io.flnas;

/**
 * Root of every unchecked exception thrown by flnas. Catch this to handle any library failure;
 * catch a subtype to handle one kind. Every subtype keeps its cause and carries the offending value
 * in its message.
 */
public class FlNasException extends RuntimeException {
  public FlNasException(String message) {
    super(message);
  }

  public FlNasException(String message, Throwable cause) {
    super(message, cause);
  }
}
