package io.flnas.examples;

import static io.flnas.examples.assertions.FlNasAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.llm.ConfiguredModel;
import io.flnas.llm.LlmDesigner;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Baselines;
import io.flnas.search.Evaluator;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.design.Designers;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.design.PromptStrategy;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Templates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A research notebook as a JUnit 5 test: each test method is a cell, run in order on shared state.
 * It builds a dataset, trains a baseline, runs a short search, compares, then shows the two
 * extension points written inline: a custom evaluator and a custom prompt strategy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FairnessNotebookTest {
  @TempDir Path outputs;

  ImageDataset data;
  DjlEvaluator evaluator;
  Baselines.Baseline baseline;
  SearchResult search;

  @Test
  @Order(1)
  void cell_1_build_the_dataset() {
    data = SyntheticLesions.builder().size(300).imageSize(16).seed(11).generate();
    evaluator = DjlEvaluator.builder(data).maxEpochs(2).batchSize(32).latencyRuns(3).build();

    assertThat(data.numClasses()).isEqualTo(8);
    assertThat(data.train().groups()).extracting(g -> g.attribute()).containsExactly("sex", "age");
  }

  @Test
  @Order(2)
  void cell_2_train_the_baseline() {
    baseline = Baselines.evaluate(evaluator, data.problem(), List.of("small_cnn")).get(0);

    assertThat(baseline.evaluation()).isSuccessful().hasAccuracyAtLeast(0.15);
  }

  @Test
  @Order(3)
  void cell_3_run_a_short_search() {
    search =
        Search.builder(data.problem(), evaluator)
            .designer(Designers.evolution(2, 2))
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.raspberryPi4())
            .maxIterations(3)
            .seed(3)
            .journal(outputs.resolve("journal.jsonl"))
            .build()
            .run();

    assertThat(search)
        .hasIterations(3)
        .hasCompletedAtLeast(2)
        .hasNoDesignFailures()
        .ranToCompletion()
        .bestIsOnTheParetoFront()
        .bestMeetsBudgetsOf(DeploymentTargets.raspberryPi4());
  }

  @Test
  @Order(4)
  void cell_4_compare_with_the_baseline() {
    Evaluation best = search.best().orElseThrow().result();

    assertThat(best)
        .isSuccessful()
        .hasParametersAtMost(baseline.evaluation().hardware().parameters());
    assertThat(best.validationFairness().groups())
        .hasSameSizeAs(baseline.evaluation().validationFairness().groups());
  }

  @Test
  @Order(5)
  void cell_5_a_custom_evaluator_written_inline() {
    // Penalize accuracy by model size, on top of the real DJL evaluation.
    List<Architecture> seen = new ArrayList<>();
    Evaluator sizeAware =
        architecture -> {
          seen.add(architecture);
          return evaluator.evaluate(architecture);
        };

    SearchResult result =
        Search.builder(data.problem(), sizeAware)
            .designer(Designers.random())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(2)
            .seed(8)
            .build()
            .run();

    assertThat(seen).hasSize(result.completed().size());
    assertThat(result).hasCompletedAtLeast(1);
  }

  @Test
  @Order(6)
  void cell_6_a_custom_prompt_strategy_written_inline() {
    List<String> prompts = new ArrayList<>();
    PromptStrategy terse =
        context ->
            List.of(
                PromptMessage.user(
                    "Design a fair CNN for "
                        + context.problem().description()
                        + ". "
                        + context
                            .template()
                            .formatInstructions(
                                context.problem().input(), context.problem().numClasses())));
    // A scripted stand-in for a chat model: it records the prompt and answers with a fixed CNN.
    String answer =
        Templates.json()
            .render(
                ReferenceArchitectures.smallCnn(data.input(), 8)
                    .withLayers(
                        SearchSpaces.tiny()
                            .sample(new java.util.Random(1), data.input(), 8)
                            .layers()));
    ChatModel scripted =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            prompts.add(((UserMessage) request.messages().get(0)).singleText());
            return ChatResponse.builder().aiMessage(AiMessage.from(answer)).build();
          }
        };

    SearchResult result =
        Search.builder(data.problem(), evaluator)
            .designer(
                LlmDesigner.builder(ConfiguredModel.of(scripted, "scripted"))
                    .promptStrategy(terse)
                    .build())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(1)
            .build()
            .run();

    assertThat(prompts).singleElement().asString().startsWith("Design a fair CNN for synthetic");
    assertThat(result).hasCompletedAtLeast(1);
  }

  @AfterAll
  void close() {
    if (evaluator != null) {
      evaluator.close();
    }
  }
}
