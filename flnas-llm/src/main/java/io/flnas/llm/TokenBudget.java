package io.flnas.llm;

import com.google.common.base.Preconditions;
import io.flnas.search.StopRule;
import io.flnas.search.StopRules;
import io.flnas.search.design.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Limits on what a search may spend on its model: total tokens, and estimated cost from prices per
 * million input and output tokens. They are a stop rule of the search, not of the designer: give
 * {@link #asStopRule()} to {@code Search.Builder.stopWhen}, and once a limit is reached the search
 * designs nothing more, awaits the trials in flight and ends cleanly with its results saved.
 *
 * <pre>{@code
 * Search.builder(problem, evaluator).designer(llm)
 *     .stopWhen(TokenBudget.cost(5.0, 2.5, 10.0).asStopRule())
 *     .build();
 * }</pre>
 */
public record TokenBudget(
    long maxTokens, double maxCostUsd, double inputPricePerMillion, double outputPricePerMillion) {
  public TokenBudget {
    Preconditions.checkArgument(maxTokens > 0, "maxTokens must be > 0, but was %s", maxTokens);
    Preconditions.checkArgument(maxCostUsd > 0, "maxCostUsd must be > 0, but was %s", maxCostUsd);
    Preconditions.checkArgument(
        inputPricePerMillion >= 0 && outputPricePerMillion >= 0,
        "prices must be >= 0, but were %s and %s",
        inputPricePerMillion,
        outputPricePerMillion);
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
  public static TokenBudget cost(
      double maxCostUsd, double inputPricePerMillion, double outputPricePerMillion) {
    return new TokenBudget(Long.MAX_VALUE, maxCostUsd, inputPricePerMillion, outputPricePerMillion);
  }

  /**
   * The rule that stops a search at these limits: {@link StopRules#tokens} and {@link
   * StopRules#cost} for the limits that are set, none for {@link #unlimited()}.
   */
  public StopRule asStopRule() {
    List<StopRule> rules = new ArrayList<>();
    if (maxTokens != Long.MAX_VALUE) {
      rules.add(StopRules.tokens(maxTokens));
    }
    if (maxCostUsd != Double.POSITIVE_INFINITY) {
      rules.add(StopRules.cost(maxCostUsd, inputPricePerMillion, outputPricePerMillion));
    }
    return (ended, best) ->
        rules.stream().map(r -> r.check(ended, best)).flatMap(Optional::stream).findFirst();
  }

  /** Estimated cost of one exchange. */
  public double cost(Exchange exchange) {
    return (exchange.inputTokens() * inputPricePerMillion
            + exchange.outputTokens() * outputPricePerMillion)
        / 1e6;
  }
}
