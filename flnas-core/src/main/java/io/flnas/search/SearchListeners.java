package io.flnas.search;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ready-made listeners. */
public final class SearchListeners {
  private SearchListeners() {}

  /** Logs one INFO line per finished trial and a summary at the end through SLF4J. */
  public static SearchListener logging() {
    Logger log = LoggerFactory.getLogger("io.flnas.search");
    return new SearchListener() {
      @Override
      public void searchStarted(int maxIterations, List<Trial> restored) {
        log.info(
            "search started: {} iterations, {} restored from the journal",
            maxIterations,
            restored.size());
      }

      @Override
      public void trialFinished(Trial trial, Optional<Trial> best) {
        log.info("{}", trial.summary());
      }

      @Override
      public void searchFinished(SearchResult result) {
        log.info(
            "search finished: {} trials, best {}",
            result.history().size(),
            result.best().map(Trial::summary).orElse("none"));
      }
    };
  }

  /** Prints one line per finished trial to {@code out}. */
  public static SearchListener printing(PrintStream out) {
    return new SearchListener() {
      @Override
      public void trialFinished(Trial trial, Optional<Trial> best) {
        out.println(trial.summary());
      }
    };
  }
}
