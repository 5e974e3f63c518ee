package io.flnas.llm;

import com.google.common.base.Preconditions;
import io.flnas.search.Exchange;

/**
 * Limits on what a search may spend on its model: total tokens, and estimated cost from prices per
 * million input and output tokens. When a limit is reached the designer throws {@link
 * io.flnas.BudgetExhaustedException} and the search stops cleanly with its results saved.
 */
public record TokenBudget(long maxTokens, double maxCostUsd, double inputPricePerMillion,
    double outputPricePerMillion) {
  public TokenBudget {
    Preconditions.checkArgument(maxTokens > 0, "maxTokens must be > 0, but was %s", maxTokens);
    Preconditions.checkArgument(maxCostUsd > 0, "maxCostUsd must be > 0, but was %s", maxCostUsd);
    Preconditions.checkArgument(inputPricePerMillion >= 0 && outputPricePerMillion >= 0,
        "prices must be >= 0, but were %s and %s", inputPricePerMillion, outputPricePerMillion);
  }

  /** No limit. */
  public static TokenBudget unlimited() {
    return new TokenBudget(Long.MAX_VALUE, Double.POSITIVE_INFINITY, 0, 0);
  }

  /** At most {@code maxTokens} tokens, no cost limit. */
  public static TokenBudget tokens(long maxTokens) {
    return new TokenBudget(maxTokens, Double.POSITIVE_INFINITY, 0, 0);
  }

  /** At most {@code maxCostUsd} at the given prices (USD per million tokens). */
  public static TokenBudget cost(double maxCostUsd, double inputPricePerMillion,
      double outputPricePerMillion) {
    return new TokenBudget(Long.MAX_VALUE, maxCostUsd, inputPricePerMillion,
        outputPricePerMillion);
  }

  /** Estimated cost of one exchange. */
  public double cost(Exchange exchange) {
    return (exchange.inputTokens() * inputPricePerMillion
        + exchange.outputTokens() * outputPricePerMillion) / 1e6;
  }
}
