package io.flnas;

/** An evaluator that could not train or measure a candidate; the search records it as failed. */
public class EvaluationException extends FlNasException {
  public EvaluationException(String message) {
    super(message);
  }

  public EvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
