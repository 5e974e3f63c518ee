package io.flnas;

/** A designer that could not produce a valid proposal (after its retries, where it has any). */
public class DesignerException extends FlNasException {
  public DesignerException(String message) {
    super(message);
  }

  public DesignerException(String message, Throwable cause) {
    super(message, cause);
  }
}
