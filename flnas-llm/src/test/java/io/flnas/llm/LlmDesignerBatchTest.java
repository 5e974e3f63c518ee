package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flnas.arch.Architecture;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.Proposal;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import io.flnas.testing.CheapEvaluator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LLM designer with several free slots: one request for all, re-asks only for the bad ones.
 * Against the fake OpenAI server, so the real LangChain4j client runs.
 */
class LlmDesignerBatchTest {
  static final String A = LlmDesignerTest.VALID;
  static final String B = LlmDesignerTest.OTHER;
  static final String C = A.replace("\"filters\": 16", "\"filters\": 8");
  static final String D = A.replace("\"filters\": 16", "\"filters\": 32");
  static final String E = A.replace("relu", "silu");
  static final String F = B.replace("relu", "silu");
  static final String BAD = LlmDesignerTest.BAD_KERNEL;

  FakeOpenAi fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  LlmDesigner designer(Template template, int maxAttempts) {
    return LlmDesigner.builder(
            ChatModels.openAi()
                .apiKey(LlmDesignerTest.KEY)
                .baseUrl(fake.openAiUrl())
                .timeout(Duration.ofSeconds(5))
                .build())
        .maxAttempts(maxAttempts)
        .sleeper(d -> {})
        .build();
  }

  static List<DesignContext> slots(int first, int count, Template template, List<Trial> running) {
    List<DesignContext> slots = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      slots.add(
          new DesignContext(
              first + i,
              List.of(),
              Optional.empty(),
              LlmDesignerTest.PROBLEM,
              SearchSpaces.tiny(),
              template,
              DeploymentTargets.unconstrained(),
              Objectives.flNas(),
              new Random(first + i),
              1,
              running));
    }
    return slots;
  }

  static Architecture json(String text) {
    return Templates.json()
        .parse(text, LlmDesignerTest.PROBLEM.input(), LlmDesignerTest.PROBLEM.numClasses());
  }

  static String lastUserMessage(FakeOpenAi.Received request) throws Exception {
    JsonNode messages = request.json().get("messages");
    return messages.get(messages.size() - 1).get("content").asText();
  }

  @Test
  void three_valid_architectures_come_from_one_request() throws Exception {
    fake.reply("[" + A + ",\n" + B + ",\n" + C + "]", 2000, 900);

    List<Proposal> proposals =
        designer(Templates.json(), 3).propose(slots(1, 3, Templates.json(), List.of()));

    assertThat(proposals).map(p -> p.architecture()).containsExactly(json(A), json(B), json(C));
    assertThat(proposals.get(0).exchanges())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.outcome())
                  .isEqualTo(
                      "architecture 1: accepted; architecture 2: accepted;"
                          + " architecture 3: accepted");
              assertThat(x.inputTokens()).isEqualTo(2000);
            });
    assertThat(proposals.get(1).exchanges()).isEmpty();
    assertThat(proposals.get(2).exchanges()).isEmpty();
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received).hasSize(1);
    JsonNode body = received.get(0).json();
    assertThat(body.get("messages")).hasSize(2);
    assertThat(body.get("messages").get(1).get("content").asText())
        .contains(
            "exactly 3 different",
            "{\"architectures\": [{\"layers\"",
            "Propose 3 new architectures that differ from each other");
    assertThat(body.get("response_format").get("json_schema").get("name").asText())
        .isEqualTo("flnas_architectures");
  }

  @Test
  void an_invalid_architecture_is_re_asked_alone_with_its_error() throws Exception {
    fake.reply("[" + A + ", " + BAD + ", " + C + "]").reply("```json\n" + D + "\n```");

    List<Proposal> proposals =
        designer(Templates.json(), 3).propose(slots(1, 3, Templates.json(), List.of()));

    assertThat(proposals).map(p -> p.architecture()).containsExactly(json(A), json(D), json(C));
    assertThat(proposals.get(0).exchanges())
        .extracting(Exchange::outcome)
        .containsExactly(
            "architecture 1: accepted; architecture 2: invalid: layers[4] (conv2d): kernel must be"
                + " one of [1, 3] (was 5); architecture 3: accepted",
            "architecture 1: accepted");
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received).hasSize(2);
    JsonNode retry = received.get(1).json().get("messages");
    assertThat(retry).hasSize(4);
    assertThat(retry.get(2).get("role").asText()).isEqualTo("assistant");
    assertThat(lastUserMessage(received.get(1)))
        .startsWith(
            "1 of your 3 architectures cannot be used:\n"
                + "- Architecture 2: invalid: layers[4] (conv2d): kernel must be one of [1, 3]"
                + " (was 5)\nAnswer again with exactly 1 new architecture to replace it")
        .contains("Answer with one JSON object and nothing else");
    assertThat(
            received.get(1).json().get("response_format").get("json_schema").get("name").asText())
        .isEqualTo("flnas_architecture");
  }

  @Test
  void duplicates_of_a_running_trial_and_within_the_answer_are_re_asked() throws Exception {
    Trial running =
        new Trial(
            7,
            "llm",
            Optional.of(json(A).withName("trial-7")),
            Trial.Status.RUNNING,
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            List.of(),
            0,
            1,
            List.of());
    fake.reply("[" + A + ", " + B + ", " + B + "]")
        .reply("{\"architectures\": [" + C + ", " + D + "]}");

    List<Proposal> proposals =
        designer(Templates.json(), 3).propose(slots(8, 3, Templates.json(), List.of(running)));

    assertThat(proposals).map(p -> p.architecture()).containsExactly(json(C), json(B), json(D));
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received).hasSize(2);
    assertThat(received.get(0).json().get("messages").get(1).get("content").asText())
        .contains("## Being evaluated now (do not repeat them)", "- trial 7: c3x3/16");
    assertThat(lastUserMessage(received.get(1)))
        .startsWith(
            "2 of your 3 architectures cannot be used:\n"
                + "- Architecture 1: duplicate of running trial 7 (being evaluated now)\n"
                + "- Architecture 3: duplicate of architecture 2 in this answer\n"
                + "Answer again with exactly 2 new architectures to replace them")
        .contains("exactly 2 different");
    assertThat(proposals.get(0).exchanges()).hasSize(2);
  }

  @Test
  void one_free_slot_is_told_when_it_repeats_a_running_trial() throws Exception {
    Trial running =
        new Trial(
            7,
            "llm",
            Optional.of(json(A).withName("trial-7")),
            Trial.Status.RUNNING,
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            List.of(),
            0,
            1,
            List.of());
    fake.reply(A).reply(B);

    List<Proposal> proposals =
        designer(Templates.json(), 3).propose(slots(8, 1, Templates.json(), List.of(running)));

    assertThat(proposals)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.architecture()).isEqualTo(json(B));
              assertThat(p.exchanges())
                  .extracting(Exchange::outcome)
                  .containsExactly("duplicate of running trial 7", "accepted");
            });
    assertThat(lastUserMessage(fake.received().get(1)))
        .isEqualTo(
            "This architecture is being evaluated right now in iteration 7. Propose a"
                + " different one.");
  }

  @Test
  void a_slot_still_empty_after_the_attempts_fails_with_its_last_problem_and_the_others_stand()
      throws Exception {
    fake.reply("[" + A + ", " + BAD + ", " + C + "]").reply(A);

    List<Proposal> proposals =
        designer(Templates.json(), 2).propose(slots(1, 3, Templates.json(), List.of()));

    assertThat(proposals.get(0).architecture()).isEqualTo(json(A));
    assertThat(proposals.get(1).failure())
        .get()
        .asString()
        .startsWith(
            "no valid architecture from gpt-4o after 2 attempts; last problem: duplicate of"
                + " architecture 1 of your answer 1, which was accepted; last reply: {\"layers\"");
    assertThat(proposals.get(2).architecture()).isEqualTo(json(C));
    assertThat(proposals.get(0).exchanges()).hasSize(2);
    assertThat(proposals.get(1).exchanges()).isEmpty();
  }

  @Test
  void a_pytorch_batch_reads_one_sequential_per_architecture() throws Exception {
    Template torch = Templates.pytorch();
    fake.reply(
        String.join("\n\n", torch.render(json(A)), torch.render(json(B)), torch.render(json(C))));

    List<Proposal> proposals = designer(torch, 3).propose(slots(1, 3, torch, List.of()));

    assertThat(proposals).map(p -> p.architecture()).containsExactly(json(A), json(B), json(C));
    FakeOpenAi.Received request = fake.received().get(0);
    assertThat(request.json().has("response_format")).isFalse();
    assertThat(request.json().get("messages").get(1).get("content").asText())
        .contains("exactly 3 different PyTorch nn.Sequential(...) expressions");
  }

  @Test
  void a_search_with_three_in_flight_designs_its_first_round_in_one_request() throws Exception {
    fake.reply("[" + A + ", " + B + ", " + C + "]", 1500, 600)
        .reply(D, 1000, 200)
        .reply(E, 1000, 200)
        .reply(F, 1000, 200);

    SearchResult result =
        io.flnas.search.Search.builder(LlmDesignerTest.PROBLEM, new CheapEvaluator())
            .designer(designer(Templates.json(), 3))
            .parallelism(3)
            .maxIterations(6)
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .seed(1)
            .build()
            .run();

    assertThat(result.history()).hasSize(6).allMatch(Trial::completed);
    assertThat(result.history())
        .map(t -> t.architecture().orElseThrow().hash())
        .containsExactly(
            json(A).hash(),
            json(B).hash(),
            json(C).hash(),
            json(D).hash(),
            json(E).hash(),
            json(F).hash());
    assertThat(result.history()).extracting(Trial::round).startsWith(1, 1, 1);
    assertThat(result.history().subList(1, 3)).allMatch(t -> t.exchanges().isEmpty());
    assertThat(
            result.history().stream()
                .mapToLong(t -> t.exchanges().stream().mapToLong(Exchange::totalTokens).sum())
                .sum())
        .isEqualTo(2100 + 3 * 1200);
    assertThat(fake.received()).hasSize(4);
  }
}
