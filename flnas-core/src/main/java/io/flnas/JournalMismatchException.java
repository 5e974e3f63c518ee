package io.flnas;

/** A journal that cannot be resumed: another configuration wrote it, or a line is corrupt. */
public class JournalMismatchException extends FlNasException {
  public JournalMismatchException(String message) {
    super(message);
  }

  public JournalMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
