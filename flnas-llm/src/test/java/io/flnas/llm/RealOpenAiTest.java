package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.search.Search;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Calls the real OpenAI API; runs only where OPENAI_API_KEY is set, and is reported skipped
 * otherwise.
 */
@EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
class RealOpenAiTest {
  @Test
  void gpt4_designs_a_valid_architecture() {
    LlmDesigner designer = LlmDesigner.builder(ChatModels.openAi().build()).build();

    Trial trial =
        Search.builder(LlmDesignerTest.PROBLEM, new CheapEvaluator())
            .designer(designer)
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(1)
            .build()
            .run()
            .history()
            .get(0);

    assertThat(trial.status()).isEqualTo(Trial.Status.COMPLETED);
    assertThat(trial.exchanges()).isNotEmpty();
  }
}
