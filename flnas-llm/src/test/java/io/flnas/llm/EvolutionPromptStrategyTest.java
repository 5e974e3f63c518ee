package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.flnas.arch.Shape;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.Trial;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Islands;
import io.flnas.search.rank.Metric;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Templates;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM-evolution designer against a scripted chat model: prompts, islands, archive, resume. */
class EvolutionPromptStrategyTest {
  static final Problem PROBLEM = new Problem("toy lesions in 4 classes", Shape.image(3, 16, 16), 4);
  static final Islands.Settings SETTINGS =
      new Islands.Settings(3, 4, 2, Metric.PARAMETERS, 3, Metric.UNFAIRNESS, 3);
  static final Pattern PARENT = Pattern.compile("## Parent \\(trial (\\d+)\\)");
  static final Pattern ISLAND = Pattern.compile("Trial (\\d+), island (\\d+) of 3");

  @TempDir Path dir;

  /**
   * Answers every request with an architecture of the tiny space drawn from a generator seeded by
   * the conversation, so that the same prompts get the same answers in every run.
   */
  static final class Scripted implements ChatModel {
    final List<String> prompts = new ArrayList<>();

    @Override
    public ChatResponse doChat(ChatRequest request) {
      StringBuilder all = new StringBuilder();
      for (ChatMessage m : request.messages()) {
        all.append(m.toString());
      }
      UserMessage first =
          (UserMessage)
              request.messages().stream()
                  .filter(m -> m instanceof UserMessage)
                  .findFirst()
                  .orElseThrow();
      prompts.add(first.singleText());
      String answer =
          Templates.json()
              .render(
                  SearchSpaces.tiny()
                      .sample(
                          new Random(all.toString().hashCode()),
                          PROBLEM.input(),
                          PROBLEM.numClasses()));
      return ChatResponse.builder().aiMessage(AiMessage.from(answer)).build();
    }
  }

  static Designer designer(Scripted model) {
    return LlmDesigner.builder(ConfiguredModel.of(model, "scripted"))
        .promptStrategy(PromptStrategies.evolution(SETTINGS, 2))
        .build();
  }

  static Search.Builder search(Scripted model, int iterations) {
    return Search.builder(PROBLEM, new CheapEvaluator())
        .designer(designer(model))
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .objective(Objectives.flNas())
        .maxIterations(iterations)
        .seed(4);
  }

  @Test
  void each_prompt_shows_a_parent_of_its_own_island_and_elites_of_the_archive() {
    Scripted model = new Scripted();
    List<Trial> history = search(model, 12).build().run().history();

    assertThat(history).hasSize(12);
    assertThat(model.prompts.get(0))
        .contains("No architecture has been evaluated")
        .doesNotContain("## Parent");
    int withParent = 0;
    for (String prompt : model.prompts) {
      Matcher parent = PARENT.matcher(prompt);
      if (!parent.find()) {
        continue;
      }
      withParent++;
      Matcher island = ISLAND.matcher(prompt);
      assertThat(island.find()).as("names its trial and island").isTrue();
      int trial = Integer.parseInt(island.group(1));
      int islandIndex = Integer.parseInt(island.group(2)) - 1;
      assertThat(islandIndex).isEqualTo((trial - 1) % 3);
      int parentTrial = Integer.parseInt(parent.group(1));
      List<Trial> before = history.stream().filter(t -> t.iteration() < trial).toList();
      Islands islands =
          Islands.of(before, SETTINGS, Objectives.flNas(), DeploymentTargets.unconstrained());
      assertThat(islands.members(islandIndex))
          .extracting(Trial::iteration)
          .as("trial %s's parent comes from its island, migrants included", trial)
          .contains(parentTrial);
      assertThat(prompt)
          .contains("Its metrics:", "Search space:", "Answer only in the" + " template's format");
      if (islands.elites().size() > 1) {
        assertThat(prompt).contains("## Inspirations");
      }
    }
    assertThat(withParent).as("prompts with a parent").isGreaterThanOrEqualTo(8);
  }

  @Test
  void the_same_seed_asks_the_same_and_a_resumed_search_continues_as_if_uninterrupted() {
    Scripted straight = new Scripted();
    List<Trial> whole = search(straight, 12).build().run().history();
    Scripted again = new Scripted();
    search(again, 12).build().run();
    assertThat(again.prompts).isEqualTo(straight.prompts);

    Path journal = dir.resolve("journal.jsonl");
    Scripted firstHalf = new Scripted();
    search(firstHalf, 6).journal(journal).build().run();
    Scripted secondHalf = new Scripted();
    List<Trial> resumed = search(secondHalf, 12).journal(journal).build().run().history();

    List<String> joined = new ArrayList<>(firstHalf.prompts);
    joined.addAll(secondHalf.prompts);
    assertThat(joined).isEqualTo(straight.prompts);
    assertThat(resumed)
        .extracting(t -> t.hash().orElse(""))
        .isEqualTo(whole.stream().map(t -> t.hash().orElse("")).toList());
  }
}
