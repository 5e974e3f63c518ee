package io.flnas.examples;

import io.flnas.JournalMismatchException;
import io.flnas.djl.cluster.ClusterException;
import io.flnas.djl.data.DataException;
import io.flnas.llm.ModelAccessException;
import java.io.PrintStream;

/** How the program reports a failure to people: one line, and a trace only when asked. */
final class Failures {
  private Failures() {}

  /**
   * Prints a failure for people and returns the exit code: bad input (usage, data, a journal from
   * another configuration, a model that cannot be reached or used) is one line and exit 2; anything
   * else is one line and exit 1, with the stack trace only when {@code verbose}.
   */
  static int report(Exception e, boolean verbose, PrintStream err) {
    if (e instanceof UsageException
        || e instanceof DataException
        || e instanceof JournalMismatchException
        || e instanceof ModelAccessException
        || e instanceof ClusterException) {
      err.println("flnas: error: " + e.getMessage());
      return 2;
    }
    err.println(
        "flnas: failed: "
            + oneLine(e)
            + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    return 1;
  }

  /** The failure and its root cause in one line, e.g. {@code IllegalStateException: x (...)}. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    for (int depth = 0; depth < 20 && root.getCause() != null && root.getCause() != root; depth++) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root != e) {
      text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return text.replaceAll("\\s*\\R\\s*", " ");
  }
}
