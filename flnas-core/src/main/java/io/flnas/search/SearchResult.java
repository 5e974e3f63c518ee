package io.flnas.search;

import java.util.List;
import java.util.Optional;

/**
 * What a search found: the best trial by its objective, the Pareto front (accuracy vs unfairness by
 * default), the whole history, and why it stopped early, if it did (a spent token budget, say).
 */
public record SearchResult(
    Optional<Trial> best,
    List<Trial> paretoFront,
    List<Trial> history,
    Optional<String> stopReason) {
  public SearchResult {
    paretoFront = List.copyOf(paretoFront);
    history = List.copyOf(history);
  }

  /** Completed trials only. */
  public List<Trial> completed() {
    return history.stream().filter(Trial::completed).toList();
  }
}
