package io.flnas.search.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.search.Attempt;
import io.flnas.search.Trial;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.PromptMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** JSON form of a {@link Trial}, both ways, as the journal stores it. */
public final class TrialJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TrialJson() {}

  public static String write(Trial trial) {
    return toNode(trial).toString();
  }

  public static Trial read(String json) throws JsonProcessingException {
    return fromNode(MAPPER.readTree(json));
  }

  /** The journal line of a trial handed to an executor: type {@code started}, status running. */
  public static String writeStarted(Trial trial) {
    ObjectNode node = toNode(trial);
    node.put("type", "started");
    return node.toString();
  }

  public static ObjectNode toNode(Trial trial) {
    ObjectNode node = NODES.objectNode();
    node.put("type", "trial");
    node.put("iteration", trial.iteration());
    node.put("round", trial.round());
    node.put("designer", trial.designer());
    node.put("status", trial.status().name().toLowerCase(Locale.ROOT));
    trial
        .architecture()
        .ifPresent(
            a -> {
              node.put("hash", a.hash());
              node.set("architecture", ArchitectureJson.toNode(a, true));
            });
    trial.evaluation().ifPresent(e -> node.set("evaluation", EvaluationJson.toNode(e)));
    trial.reason().ifPresent(r -> node.put("reason", r));
    trial.duplicateOf().ifPresent(d -> node.put("duplicate_of", d));
    node.put("seconds", trial.seconds());
    // JSON has no infinities: a degenerate network's -Infinity is written as a string.
    trial
        .proxyScore()
        .ifPresent(
            p -> {
              if (Double.isFinite(p)) {
                node.put("proxy_score", p);
              } else {
                node.put("proxy_score", Double.toString(p));
              }
            });
    writeAttempts(node, trial.attempts());
    ArrayNode exchanges = node.putArray("exchanges");
    for (Exchange x : trial.exchanges()) {
      ObjectNode e = exchanges.addObject();
      e.put("attempt", x.attempt());
      ArrayNode messages = e.putArray("messages");
      for (PromptMessage m : x.messages()) {
        messages
            .addObject()
            .put("role", m.role().name().toLowerCase(Locale.ROOT))
            .put("text", m.text());
      }
      e.put("reply", x.reply())
          .put("model", x.model())
          .put("input_tokens", x.inputTokens())
          .put("output_tokens", x.outputTokens())
          .put("latency_ms", x.latencyMillis())
          .put("outcome", x.outcome());
    }
    return node;
  }

  public static Trial fromNode(JsonNode node) {
    String type = node.path("type").asText();
    if (!"trial".equals(type) && !"started".equals(type)) {
      throw new IllegalArgumentException(
          "not a trial record: type is '" + node.path("type").asText() + "'");
    }
    Optional<Architecture> architecture =
        node.hasNonNull("architecture")
            ? Optional.of(ArchitectureJson.fromNode(node.get("architecture"), null, 0))
            : Optional.empty();
    Optional<Evaluation> evaluation =
        node.hasNonNull("evaluation")
            ? Optional.of(EvaluationJson.fromNode(node.get("evaluation")))
            : Optional.empty();
    List<Exchange> exchanges = new ArrayList<>();
    for (JsonNode e : node.path("exchanges")) {
      List<PromptMessage> messages = new ArrayList<>();
      for (JsonNode m : e.path("messages")) {
        messages.add(
            new PromptMessage(
                PromptMessage.Role.valueOf(m.path("role").asText().toUpperCase(Locale.ROOT)),
                m.path("text").asText()));
      }
      exchanges.add(
          new Exchange(
              e.path("attempt").asInt(),
              messages,
              e.path("reply").asText(),
              e.path("model").asText(),
              e.path("input_tokens").asInt(),
              e.path("output_tokens").asInt(),
              e.path("latency_ms").asLong(),
              e.path("outcome").asText()));
    }
    List<Attempt> attempts = readAttempts(node);
    int iteration = node.path("iteration").asInt();
    return new Trial(
        iteration,
        node.path("designer").asText(),
        architecture,
        Trial.Status.valueOf(node.path("status").asText().toUpperCase(Locale.ROOT)),
        evaluation,
        node.hasNonNull("reason") ? Optional.of(node.get("reason").asText()) : Optional.empty(),
        node.hasNonNull("duplicate_of")
            ? OptionalInt.of(node.get("duplicate_of").asInt())
            : OptionalInt.empty(),
        exchanges,
        node.path("seconds").asDouble(),
        node.path("round").asInt(iteration),
        attempts,
        proxyScore(node.get("proxy_score")));
  }

  /** Absent in journals written before pre-screening, and in trials of searches without it. */
  private static OptionalDouble proxyScore(JsonNode value) {
    if (value == null || value.isNull()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        value.isTextual() ? Double.parseDouble(value.asText()) : value.asDouble());
  }

  /** Writes {@code attempts} as the node's {@code attempts} array; nothing when there are none. */
  static void writeAttempts(ObjectNode node, List<Attempt> attempts) {
    if (!attempts.isEmpty()) {
      ArrayNode array = node.putArray("attempts");
      for (Attempt a : attempts) {
        array
            .addObject()
            .put("worker", a.worker())
            .put("outcome", a.outcome())
            .put("seconds", a.seconds());
      }
    }
  }

  /** The node's {@code attempts} array; empty when it has none. */
  static List<Attempt> readAttempts(JsonNode node) {
    List<Attempt> attempts = new ArrayList<>();
    for (JsonNode a : node.path("attempts")) {
      attempts.add(
          new Attempt(
              a.path("worker").asText(), a.path("outcome").asText(), a.path("seconds").asDouble()));
    }
    return attempts;
  }
}
