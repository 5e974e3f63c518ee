package io.flnas.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.flnas.bench.BenchmarkResult;
import io.flnas.bench.BenchmarkRun;
import io.flnas.bench.TabularBenchmark;
import io.flnas.bench.TabularBenchmarks;
import io.flnas.space.Templates;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The LLM designers on a tabular benchmark: each query a real design exchange, tokens counted. */
class LlmBenchmarkTest {
  @Test
  void the_evolving_llm_designer_runs_on_nas_bench_201_and_its_tokens_are_reported_per_seed() {
    TabularBenchmark table = TabularBenchmarks.nb201Cifar10();
    AtomicInteger requests = new AtomicInteger();
    ChatModel scripted =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            requests.incrementAndGet();
            StringBuilder all = new StringBuilder();
            for (ChatMessage m : request.messages()) {
              all.append(m);
            }
            String cell =
                Templates.json()
                    .render(
                        table
                            .space()
                            .sample(
                                new Random(all.toString().hashCode()),
                                table.problem().input(),
                                table.problem().numClasses()));
            return ChatResponse.builder()
                .aiMessage(AiMessage.from(cell))
                .tokenUsage(new TokenUsage(1000, 100))
                .build();
          }
        };
    ConfiguredModel model = ConfiguredModel.of(scripted, "scripted");

    BenchmarkResult result =
        BenchmarkRun.builder(table)
            .seeds(2)
            .budgets(5, 10)
            .threads(1)
            .designer(
                "llm-evolution",
                () ->
                    LlmDesigner.builder(model).promptStrategy(PromptStrategies.evolution()).build())
            .build()
            .run();

    BenchmarkResult.Curve curve = result.curves().get(0);
    assertThat(curve.test())
        .hasSize(2)
        .allSatisfy(
            seed ->
                assertThat(seed)
                    .allSatisfy(accuracy -> assertThat(accuracy).isBetween(10.0, 95.0)));
    assertThat(requests.get()).isGreaterThanOrEqualTo(20);
    assertThat(curve.meanTokens(0)).isEqualTo(1000.0 * requests.get() / 2);
    assertThat(curve.meanTokens(1)).isEqualTo(100.0 * requests.get() / 2);
    assertThat(result.lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("bench: nb201-cifar10 llm-evolution tokens ")
                    .endsWith("per seed (mean of 2 seeds)"));
  }
}
