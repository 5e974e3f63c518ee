package io.flnas;

/**
 * Thrown by a designer or evaluator to abort the whole search at once, for a problem no later
 * iteration can get past (a refused API key, say). The search stops and rethrows it: the trials
 * already journaled stay, the aborted iteration is not journaled, and a resumed run starts again
 * from it once the cause is fixed.
 */
public class SearchAbortedException extends FlNasException {
  public SearchAbortedException(String message) {
    super(message);
  }

  public SearchAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}
