package io.flnas.search;

import com.google.common.base.Preconditions;
import java.util.Optional;

/** Ready-made {@link StopRule}s. */
public final class StopRules {
  private StopRules() {}

  /** Stops once {@code max} trials have ended. */
  public static StopRule trials(int max) {
    Preconditions.checkArgument(max > 0, "max must be > 0, but was %s", max);
    return (ended, best) ->
        ended.size() >= max ? Optional.of(max + " trials ended") : Optional.empty();
  }

  /**
   * Stops once {@code max} distinct architectures have been evaluated: what a tabular benchmark
   * calls queries. Rejected proposals, failed designs and reuses of an earlier evaluation (a
   * duplicate proposal) do not count.
   */
  public static StopRule evaluations(int max) {
    Preconditions.checkArgument(max > 0, "max must be > 0, but was %s", max);
    return (ended, best) ->
        evaluated(ended) >= max ? Optional.of(max + " architectures evaluated") : Optional.empty();
  }

  static long evaluated(java.util.List<Trial> trials) {
    return trials.stream()
        .filter(t -> t.evaluation().isPresent() && t.duplicateOf().isEmpty())
        .count();
  }

  /** Stops once the model exchanges of all trials used {@code maxTokens} tokens or more. */
  public static StopRule tokens(long maxTokens) {
    Preconditions.checkArgument(maxTokens > 0, "maxTokens must be > 0, but was %s", maxTokens);
    return (ended, best) -> {
      long used = tokensUsed(ended);
      return used >= maxTokens
          ? Optional.of("token budget of " + maxTokens + " spent (" + used + " used)")
          : Optional.empty();
    };
  }

  /**
   * Stops once the model exchanges cost {@code maxDollars} or more at the given prices in dollars
   * per million input and output tokens.
   */
  public static StopRule cost(double maxDollars, double inputPerMillion, double outputPerMillion) {
    Preconditions.checkArgument(maxDollars > 0, "maxDollars must be > 0, but was %s", maxDollars);
    Preconditions.checkArgument(
        inputPerMillion >= 0 && outputPerMillion >= 0,
        "prices must be >= 0, but were %s and %s",
        inputPerMillion,
        outputPerMillion);
    return (ended, best) -> {
      double dollars =
          ended.stream()
              .flatMap(t -> t.exchanges().stream())
              .mapToDouble(
                  x ->
                      (x.inputTokens() * inputPerMillion + x.outputTokens() * outputPerMillion)
                          / 1e6)
              .sum();
      return dollars >= maxDollars
          ? Optional.of(
              String.format("cost budget of $%.2f spent ($%.4f used)", maxDollars, dollars))
          : Optional.empty();
    };
  }

  /** Stops when the best trial is unchanged over the last {@code patience} trials that ended. */
  public static StopRule steadyBest(int patience) {
    Preconditions.checkArgument(patience > 0, "patience must be > 0, but was %s", patience);
    return (ended, best) -> {
      if (best.isEmpty() || ended.size() < patience) {
        return Optional.empty();
      }
      int bestAt = ended.indexOf(best.get());
      int since = ended.size() - 1 - bestAt;
      return since >= patience
          ? Optional.of(
              "best trial #"
                  + best.get().iteration()
                  + " unchanged over the last "
                  + since
                  + " trials")
          : Optional.empty();
    };
  }

  static long tokensUsed(java.util.List<Trial> trials) {
    return trials.stream()
        .flatMap(t -> t.exchanges().stream())
        .mapToLong(x -> (long) x.inputTokens() + x.outputTokens())
        .sum();
  }
}
