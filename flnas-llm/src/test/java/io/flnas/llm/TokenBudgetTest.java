package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.search.Trial;
import io.flnas.search.design.Exchange;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {
  @Test
  void estimates_cost_from_prices_per_million_tokens() {
    TokenBudget budget = TokenBudget.cost(1.0, 2.5, 10.0);
    Exchange exchange = new Exchange(1, List.of(), "reply", "gpt-4o", 100_000, 20_000, 5, "ok");

    assertThat(budget.cost(exchange)).isEqualTo(0.25 + 0.2);
  }

  @Test
  void is_a_stop_rule_of_the_search_for_the_limits_that_are_set() {
    Exchange exchange = new Exchange(1, List.of(), "reply", "gpt-4o", 100_000, 20_000, 5, "ok");
    List<Trial> ended =
        List.of(
            new Trial(
                1,
                "llm",
                Optional.empty(),
                Trial.Status.DESIGN_FAILED,
                Optional.empty(),
                Optional.of("no valid architecture"),
                OptionalInt.empty(),
                List.of(exchange),
                1.0));

    assertThat(TokenBudget.tokens(120_000).asStopRule().check(ended, Optional.empty()))
        .hasValue("token budget of 120000 spent (120000 used)");
    assertThat(TokenBudget.tokens(120_001).asStopRule().check(ended, Optional.empty())).isEmpty();
    assertThat(
            new TokenBudget(1_000_000, 0.40, 2.5, 10.0).asStopRule().check(ended, Optional.empty()))
        .hasValue("cost budget of $0.40 spent ($0.4500 used)");
    assertThat(TokenBudget.unlimited().asStopRule().check(ended, Optional.empty())).isEmpty();
  }

  @Test
  void rejects_meaningless_limits_with_the_value() {
    assertThatThrownBy(() -> TokenBudget.tokens(0)).hasMessage("maxTokens must be > 0, but was 0");
  }

  @Test
  void redacts_configured_secrets_and_key_shaped_text() {
    assertThat(
            Secrets.redact(
                "key my-secret-value and sk-abcdefgh12345 and Bearer xyz123456",
                List.of("my-secret-value")))
        .isEqualTo("key *** and *** and ***");
  }
}
