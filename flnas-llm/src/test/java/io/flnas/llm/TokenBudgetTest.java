package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.search.Exchange;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {
  @Test
  void estimates_cost_from_prices_per_million_tokens() {
    TokenBudget budget = TokenBudget.cost(1.0, 2.5, 10.0);
    Exchange exchange = new Exchange(1, List.of(), "reply", "gpt-4o", 100_000, 20_000, 5, "ok");

    assertThat(budget.cost(exchange)).isEqualTo(0.25 + 0.2);
  }

  @Test
  void rejects_meaningless_limits_with_the_value() {
    assertThatThrownBy(() -> TokenBudget.tokens(0)).hasMessage("maxTokens must be > 0, but was 0");
  }

  @Test
  void redacts_configured_secrets_and_key_shaped_text() {
    assertThat(Secrets.redact("key my-secret-value and sk-abcdefgh12345 and Bearer xyz123456",
        List.of("my-secret-value"))).isEqualTo("key *** and *** and ***");
  }
}
