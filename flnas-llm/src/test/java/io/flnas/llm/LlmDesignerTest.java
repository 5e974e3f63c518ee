package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flnas.arch.Shape;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.journal.Journal;
import io.flnas.search.journal.TrialJson;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Templates;
import io.flnas.testing.CheapEvaluator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM designer against a fake OpenAI/Ollama server: the real LangChain4j clients run. */
class LlmDesignerTest {
  static final String KEY = "sk-test-SECRET-0123456789abcdef";
  static final Problem PROBLEM =
      new Problem("toy dermoscopy lesions in 4 classes", Shape.image(3, 16, 16), 4);
  static final String VALID =
      """
      {"layers": [{"type": "conv2d", "filters": 16, "kernel": 3},
        {"type": "norm", "kind": "batch"}, {"type": "activation", "kind": "relu"},
        {"type": "pool", "kind": "max", "kernel": 2},
        {"type": "conv2d", "filters": 32, "kernel": 3}, {"type": "norm", "kind": "batch"},
        {"type": "activation", "kind": "relu"}, {"type": "global_avg_pool"},
        {"type": "linear", "units": 4}]}""";
  static final String OTHER = VALID.replace("\"filters\": 32", "\"filters\": 8");
  static final String BAD_KERNEL =
      VALID.replace("\"kernel\": 3}, {\"type\": \"norm\"", "\"kernel\": 5}, {\"type\": \"norm\"");

  @TempDir Path dir;
  FakeOpenAi fake;
  final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  ConfiguredModel openAi(Duration timeout) {
    return ChatModels.openAi().apiKey(KEY).baseUrl(fake.openAiUrl()).timeout(timeout).build();
  }

  LlmDesigner.Builder designer() {
    return LlmDesigner.builder(openAi(Duration.ofSeconds(5))).sleeper(waits::add);
  }

  Search.Builder search(Designer designer, int iterations) {
    return Search.builder(PROBLEM, new CheapEvaluator())
        .designer(designer)
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(iterations)
        .seed(1);
  }

  @Test
  void a_valid_reply_becomes_the_proposal_and_the_request_carries_the_paper_prompt()
      throws Exception {
    fake.reply(VALID, 1200, 300);

    SearchResult result = search(designer().build(), 1).build().run();

    Trial trial = result.history().get(0);
    assertThat(trial.status()).isEqualTo(Trial.Status.COMPLETED);
    assertThat(trial.architecture().orElseThrow().convLayerCount()).isEqualTo(2);
    assertThat(trial.exchanges())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.outcome()).isEqualTo("accepted");
              assertThat(x.inputTokens()).isEqualTo(1200);
              assertThat(x.outputTokens()).isEqualTo(300);
              assertThat(x.model()).isEqualTo("gpt-4o-2024-08-06");
            });
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/v1/chat/completions");
              assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
              JsonNode body = r.json();
              assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
              assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
              assertThat(body.get("messages").get(0).get("content").asText())
                  .contains("expert in neural architecture search");
              assertThat(body.get("messages").get(1).get("content").asText())
                  .contains(
                      "toy dermoscopy lesions in 4 classes",
                      "No architecture has been evaluated",
                      "Deployment target: unconstrained",
                      "Fairness",
                      "worst-served group",
                      "insert or remove convolution layers",
                      "conv2d filters: [8, 16, 32]");
            });
  }

  @Test
  void a_fenced_reply_with_prose_and_a_pytorch_reply_are_read() throws Exception {
    fake.reply("Here is my design, focused on fairness:\n```json\n" + VALID + "\n```\nThanks!");
    assertThat(search(designer().build(), 1).build().run().completed()).hasSize(1);

    fake.reply(
        """
        I suggest:
        ```python
        nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1, bias=False),
            nn.GroupNorm(8, 16), nn.SiLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 4))
        ```""");
    SearchResult torch = search(designer().build(), 1).template(Templates.pytorch()).build().run();
    assertThat(torch.completed())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.architecture().orElseThrow().summary())
                    .isEqualTo("c3x3/16 gn silu maxpool2 gap fc4"));
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received.get(1).json().get("messages").get(1).get("content").asText())
        .contains("nn.Sequential");
  }

  @Test
  void invalid_json_is_re_asked_with_the_parse_error_in_the_conversation() throws Exception {
    fake.reply("{\"layers\": [{\"type\": \"conv2d\" \"filters\": 16}]}").reply(VALID);

    Trial trial = search(designer().build(), 1).build().run().history().get(0);

    assertThat(trial.status()).isEqualTo(Trial.Status.COMPLETED);
    assertThat(trial.exchanges())
        .extracting(Exchange::outcome)
        .satisfiesExactly(
            o -> assertThat(o).startsWith("unparseable: the JSON does not parse"),
            o -> assertThat(o).isEqualTo("accepted"));
    List<FakeOpenAi.Received> received = fake.received();
    JsonNode retry = received.get(1).json().get("messages");
    assertThat(retry).hasSize(4);
    assertThat(retry.get(2).get("role").asText()).isEqualTo("assistant");
    assertThat(retry.get(2).get("content").asText()).contains("\"conv2d\" \"filters\"");
    assertThat(retry.get(3).get("content").asText())
        .contains("could not be read as an architecture", "line 1");
  }

  @Test
  void a_search_space_violation_is_re_asked_with_the_rule_it_broke() throws Exception {
    fake.reply(BAD_KERNEL).reply(VALID);

    Trial trial = search(designer().build(), 1).build().run().history().get(0);

    assertThat(trial.completed()).isTrue();
    assertThat(trial.exchanges().get(0).outcome())
        .contains("layers[4] (conv2d)", "kernel must be one of [1, 3]");
    assertThat(fake.received().get(1).json().get("messages").get(3).get("content").asText())
        .contains("breaks these rules", "kernel must be one of [1, 3] (was 5)");
  }

  @Test
  void a_duplicate_is_told_it_was_already_evaluated() throws Exception {
    fake.reply(VALID).reply(VALID).reply(OTHER);

    SearchResult result = search(designer().build(), 2).build().run();

    Trial second = result.history().get(1);
    assertThat(second.exchanges())
        .extracting(Exchange::outcome)
        .containsExactly("duplicate of trial 1", "accepted");
    assertThat(second.duplicateOf()).isEmpty();
    List<FakeOpenAi.Received> received = fake.received();
    assertThat(received.get(2).json().get("messages").get(3).get("content").asText())
        .contains("already evaluated in iteration 1");
    assertThat(received.get(1).json().get("messages").get(1).get("content").asText())
        .contains("The best architecture so far (iteration 1)", "Its metrics: Train loss");
  }

  @Test
  void the_last_failed_attempt_fails_the_iteration_with_the_last_reply() {
    fake.reply("no idea").reply("still no idea").reply("{\"layers\": []}");

    SearchResult result =
        search(designer().build(), 2).build().stream()
            .limit(1)
            .collect(
                Collectors.collectingAndThen(
                    Collectors.toList(),
                    trials ->
                        new SearchResult(
                            java.util.Optional.empty(),
                            List.of(),
                            trials,
                            java.util.Optional.empty())));

    Trial trial = result.history().get(0);
    assertThat(trial.status()).isEqualTo(Trial.Status.DESIGN_FAILED);
    assertThat(trial.reason())
        .get()
        .asString()
        .contains("after 3 attempts", "last reply: {\"layers\": []}");
    assertThat(trial.exchanges()).hasSize(3);
  }

  @Test
  void a_rate_limit_is_retried_with_backoff() throws Exception {
    fake.error(
            429,
            "{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"requests\","
                + " \"code\": \"rate_limit_exceeded\"}}")
        .reply(VALID);

    Trial trial =
        search(designer().backoff(Duration.ofMillis(500)).build(), 1)
            .build()
            .run()
            .history()
            .get(0);

    assertThat(trial.completed()).isTrue();
    assertThat(waits).containsExactly(Duration.ofMillis(500));
    assertThat(fake.received()).hasSize(2);
  }

  @Test
  void retries_are_bounded() throws Exception {
    for (int i = 0; i < 3; i++) {
      fake.error(500, "{\"error\": {\"message\": \"server overloaded\"}}");
    }

    Trial trial =
        search(designer().maxProviderRetries(2).build(), 1).build().stream()
            .findFirst()
            .orElseThrow();

    assertThat(trial.status()).isEqualTo(Trial.Status.DESIGN_FAILED);
    assertThat(trial.reason()).get().asString().contains("still failing after 3 tries");
    assertThat(waits).hasSize(2);
    assertThat(fake.received()).hasSize(3);
  }

  @Test
  void a_timeout_is_retried() throws Exception {
    fake.slow(VALID, 3000).reply(VALID);
    LlmDesigner designer =
        LlmDesigner.builder(openAi(Duration.ofMillis(400))).sleeper(waits::add).build();

    Trial trial = search(designer, 1).build().run().history().get(0);

    assertThat(trial.completed()).isTrue();
    assertThat(waits).hasSize(1);
  }

  @Test
  void a_refused_key_aborts_the_search_and_no_output_holds_the_key() throws Exception {
    fake.error(
        401,
        "{\"error\": {\"message\": \"Incorrect API key provided: "
            + KEY
            + "\","
            + " \"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}");
    Path journal = dir.resolve("journal.jsonl");
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Throwable thrown;
    try {
      System.setErr(new PrintStream(console, true));
      System.setOut(new PrintStream(console, true));
      thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> search(designer().build(), 2).journal(journal).build().run());
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    assertThat(thrown)
        .isInstanceOf(ModelAccessException.class)
        .hasMessageContaining("refused access to model gpt-4o");
    java.io.StringWriter trace = new java.io.StringWriter();
    thrown.printStackTrace(new java.io.PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(KEY).doesNotContain("SECRET");
    assertThat(console.toString()).doesNotContain(KEY);
    assertThat(Files.readString(journal)).doesNotContain(KEY);
    assertThat(openAi(Duration.ofSeconds(1)).toString()).doesNotContain(KEY);
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void an_endpoint_on_a_closed_port_is_retried_then_stops_the_search_naming_url_and_cause()
      throws Exception {
    int closedPort = io.flnas.testing.Ports.closedLoopbackPort();
    String url = "http://127.0.0.1:" + closedPort + "/v1";
    LlmDesigner designer =
        LlmDesigner.builder(
                ChatModels.openAi().apiKey(KEY).baseUrl(url).timeout(Duration.ofSeconds(5)).build())
            .maxProviderRetries(2)
            .sleeper(waits::add)
            .build();
    Path journal = dir.resolve("journal.jsonl");

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> search(designer, 2).journal(journal).build().run());

    assertThat(thrown)
        .isInstanceOf(ModelAccessException.class)
        .hasMessageContaining("model endpoint " + url + " is unreachable after 3 tries")
        .hasMessageContaining("ConnectException");
    assertThat(thrown.getMessage()).doesNotContain(KEY).doesNotContain("\n");
    assertThat(waits).hasSize(2);
    // the iteration is not consumed: the journal holds its header and no trial
    assertThat(Journal.readTrials(journal)).isEmpty();
  }

  @Test
  void an_endpoint_named_in_a_message_loses_its_user_information_and_query() {
    ConfiguredModel model =
        new ConfiguredModel(
            openAi(Duration.ofSeconds(1)).chatModel(),
            "m",
            List.of(),
            "https://user:hunter2@proxy.example:8443/v1?api-key=abc");

    assertThat(model.endpointText()).isEqualTo("https://proxy.example:8443/v1");
  }

  @Test
  void structured_output_is_requested_when_supported_and_the_template_has_a_schema()
      throws Exception {
    fake.reply(VALID)
        .reply(
            "nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),"
                + " nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))");

    search(designer().build(), 1).build().run();
    search(designer().build(), 1).template(Templates.pytorch()).build().run();

    List<FakeOpenAi.Received> received = fake.received();
    JsonNode format = received.get(0).json().get("response_format");
    assertThat(format.get("type").asText()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("name").asText()).isEqualTo("flnas_architecture");
    assertThat(format.get("json_schema").get("schema").toString()).contains("layers", "conv2d");
    assertThat(received.get(1).json().has("response_format")).isFalse();
  }

  @Test
  void ollama_path_runs_against_its_own_protocol() throws Exception {
    fake.ollamaReply(VALID);
    ConfiguredModel ollama =
        ChatModels.ollama().baseUrl(fake.ollamaUrl()).modelName("llama3.1").build();

    Trial trial = search(LlmDesigner.builder(ollama).build(), 1).build().run().history().get(0);

    assertThat(trial.completed()).isTrue();
    assertThat(trial.exchanges().get(0).outputTokens()).isEqualTo(40);
    FakeOpenAi.Received request = fake.received().get(0);
    assertThat(request.path()).isEqualTo("/api/chat");
    assertThat(request.json().get("model").asText()).isEqualTo("llama3.1");
    assertThat(request.json().has("format")).isTrue();
  }

  @Test
  void a_token_budget_stops_the_search_cleanly_with_results_saved() throws Exception {
    fake.reply(VALID, 900, 200).reply(OTHER, 900, 200);
    Path journal = dir.resolve("budget.jsonl");

    SearchResult result =
        search(designer().build(), 5)
            .stopWhen(TokenBudget.tokens(1000).asStopRule())
            .journal(journal)
            .build()
            .run();

    assertThat(result.completed()).hasSize(1);
    assertThat(result.stopReason()).hasValue("token budget of 1000 spent (1100 used)");
    assertThat(Journal.readTrials(journal)).hasSize(1);
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void a_cost_budget_stops_the_search_cleanly() throws Exception {
    fake.reply(VALID, 100_000, 20_000).reply(OTHER, 100_000, 20_000);

    SearchResult result =
        search(designer().build(), 5)
            .stopWhen(TokenBudget.cost(0.40, 2.5, 10.0).asStopRule())
            .build()
            .run();

    assertThat(result.completed()).hasSize(1);
    assertThat(result.stopReason()).hasValue("cost budget of $0.40 spent ($0.4500 used)");
  }

  @Test
  void a_custom_prompt_strategy_takes_a_few_lines() throws Exception {
    fake.reply(VALID);
    Designer designer =
        designer()
            .promptStrategy(
                context ->
                    List.of(
                        PromptMessage.user(
                            "Make "
                                + context.problem().description()
                                + " fairer. "
                                + context
                                    .template()
                                    .formatInstructions(
                                        context.problem().input(),
                                        context.problem().numClasses()))))
            .build();

    search(designer, 1).build().run();

    JsonNode messages = fake.received().get(0).json().get("messages");
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).get("content").asText())
        .startsWith("Make toy dermoscopy lesions in 4 classes fairer.");
  }

  @Test
  void the_history_strategy_shows_top_trials_and_recent_failures() throws Exception {
    fake.reply(VALID).reply(BAD_KERNEL).reply(BAD_KERNEL).reply(BAD_KERNEL).reply(OTHER);
    Designer designer = designer().promptStrategy(PromptStrategies.withHistory(2, 2)).build();

    search(designer, 3).build().run();

    List<FakeOpenAi.Received> received = fake.received();
    String third = received.get(4).json().get("messages").get(1).get("content").asText();
    assertThat(third)
        .contains(
            "## Best trials so far",
            "- iteration 1:",
            "## Recent proposals that failed or were rejected",
            "- iteration 2:",
            "no valid architecture");
  }

  @Test
  void the_history_says_how_many_epochs_each_figure_trained_when_they_differ() {
    io.flnas.testing.CheapEvaluator cheap = new io.flnas.testing.CheapEvaluator();
    java.util.Random random = new java.util.Random(3);
    List<io.flnas.search.Trial> history = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      io.flnas.arch.Architecture a =
          io.flnas.space.SearchSpaces.tiny()
              .sample(random, PROBLEM.input(), PROBLEM.numClasses())
              .withName("trial-" + i);
      history.add(
          new io.flnas.search.Trial(
              i,
              "test",
              java.util.Optional.of(a),
              io.flnas.search.Trial.Status.COMPLETED,
              java.util.Optional.of(cheap.evaluate(a).withEpochs(i == 1 ? 1 : 9)),
              java.util.Optional.empty(),
              java.util.OptionalInt.empty(),
              List.of(),
              0));
    }
    io.flnas.search.design.DesignContext context =
        new io.flnas.search.design.DesignContext(
            3,
            history,
            java.util.Optional.of(history.get(1)),
            PROBLEM,
            io.flnas.space.SearchSpaces.tiny(),
            io.flnas.space.Templates.json(),
            io.flnas.space.DeploymentTargets.unconstrained(),
            io.flnas.search.rank.Objectives.flNas(),
            new java.util.Random(1));

    String prompt =
        PromptStrategies.withHistory(2, 0).messages(context).stream()
            .map(m -> m.text())
            .collect(java.util.stream.Collectors.joining("\n"));

    assertThat(prompt)
        .contains(
            "after 1 epoch of training",
            "after 9 epochs of training",
            "a figure after fewer epochs is not yet final");
  }

  @Test
  void an_end_to_end_search_replays_from_its_journal_to_the_same_result() throws Exception {
    fake.reply(VALID)
        .reply("```json\n" + OTHER + "\n```")
        .reply(BAD_KERNEL)
        .reply(VALID.replace("\"filters\": 16", "\"filters\": 32"));
    Path journal = dir.resolve("llm.jsonl");
    SearchResult original = search(designer().build(), 3).journal(journal).build().run();
    assertThat(original.history()).hasSize(3);
    assertThat(Journal.readTrials(journal)).hasSize(3);

    ReplayChatModel replay = ReplayChatModel.fromJournal(journal, true);
    Designer replayed = LlmDesigner.builder(replay.configured()).build();
    SearchResult again = search(replayed, 3).journal(dir.resolve("replayed.jsonl")).build().run();

    assertThat(replayed.name()).isEqualTo("llm(gpt-4o-2024-08-06, flnas)");
    assertThat(records(again.history()))
        .isEqualTo(
            records(original.history()).stream()
                .map(r -> r.replace("llm(gpt-4o, flnas)", "llm(gpt-4o-2024-08-06, flnas)"))
                .collect(Collectors.toList()));
    assertThat(replay.served()).isEqualTo(4);
  }

  private static List<String> records(List<Trial> trials) {
    return trials.stream()
        .map(
            t -> {
              var node = TrialJson.toNode(t);
              node.remove("seconds");
              node.withArray("exchanges")
                  .forEach(
                      x ->
                          ((com.fasterxml.jackson.databind.node.ObjectNode) x)
                              .remove("latency_ms"));
              return node.toString();
            })
        .collect(Collectors.toList());
  }
}
