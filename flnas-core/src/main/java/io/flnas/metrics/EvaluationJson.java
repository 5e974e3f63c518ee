package io.flnas.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * JSON form of an {@link Evaluation}, both ways: "architecture JSON in, evaluation JSON out", so
 * trials can be farmed out and journaled. {@code NaN} (not measured) is written as {@code null}. An
 * evaluator's extra values go under {@code "extras"} by name; JSON written before they existed (no
 * {@code "extras"}) reads as an evaluation without them.
 */
public final class EvaluationJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EvaluationJson() {}

  public static String write(Evaluation evaluation) {
    return toNode(evaluation).toString();
  }

  public static Evaluation read(String json) {
    try {
      return fromNode(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a valid evaluation JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static ObjectNode toNode(Evaluation e) {
    ObjectNode node = NODES.objectNode();
    node.set("train", split(e.train()));
    node.set("validation", split(e.validation()));
    node.set("test", split(e.test()));
    node.put("epochs", e.epochs());
    number(node, "training_seconds", e.trainingSeconds());
    if (e.validationFairness() != null) {
      node.set("validation_fairness", fairness(e.validationFairness()));
    }
    if (e.testFairness() != null) {
      node.set("test_fairness", fairness(e.testFairness()));
    }
    if (e.hardware() != null) {
      HardwareReport h = e.hardware();
      ObjectNode hw = node.putObject("hardware");
      hw.put("parameters", h.parameters());
      hw.put("macs", h.macs());
      number(hw, "analytic_memory_mb", h.analyticMemoryMb());
      number(hw, "latency_ms", h.latencyMs());
      number(hw, "throughput", h.throughput());
      number(hw, "model_memory_mb", h.modelMemoryMb());
      number(hw, "process_peak_mb", h.processPeakMb());
      hw.put("device", h.device());
    }
    e.failure().ifPresent(reason -> node.put("failure", reason));
    if (!e.testPredictions().isEmpty()) {
      ArrayNode predictions = node.putArray("test_predictions");
      e.testPredictions().forEach(predictions::add);
    }
    e.testIntervals().ifPresent(ci -> node.set("test_intervals", intervals(ci)));
    if (!e.extras().isEmpty()) {
      ObjectNode extras = node.putObject("extras");
      e.extras().forEach((name, value) -> number(extras, name, value));
    }
    return node;
  }

  public static Evaluation fromNode(JsonNode node) {
    HardwareReport hardware = null;
    JsonNode hw = node.get("hardware");
    if (hw != null && !hw.isNull()) {
      hardware =
          new HardwareReport(
              hw.path("parameters").asLong(),
              hw.path("macs").asLong(),
              number(hw, "analytic_memory_mb"),
              number(hw, "latency_ms"),
              number(hw, "throughput"),
              number(hw, "model_memory_mb"),
              number(hw, "process_peak_mb"),
              hw.path("device").asText(""));
    }
    List<Integer> predictions = new ArrayList<>();
    node.path("test_predictions").forEach(p -> predictions.add(p.asInt()));
    return new Evaluation(
        split(node.get("train")),
        split(node.get("validation")),
        split(node.get("test")),
        node.path("epochs").asInt(),
        number(node, "training_seconds"),
        fairness(node.get("validation_fairness")),
        fairness(node.get("test_fairness")),
        hardware,
        node.hasNonNull("failure") ? Optional.of(node.get("failure").asText()) : Optional.empty(),
        predictions,
        intervals(node.get("test_intervals")),
        extras(node.get("extras")));
  }

  private static Map<String, Double> extras(JsonNode node) {
    Map<String, Double> extras = new TreeMap<>();
    if (node != null) {
      node.fieldNames().forEachRemaining(name -> extras.put(name, number(node, name)));
    }
    return extras;
  }

  /** {@code {"level":0.95,"resamples":1000,"accuracy":[lower,upper],...}}. */
  private static ObjectNode intervals(FairnessIntervals ci) {
    ObjectNode node = NODES.objectNode();
    node.put("level", ci.level());
    node.put("resamples", ci.resamples());
    ci.byFigure()
        .forEach(
            (figure, interval) ->
                node.putArray(figure).add(interval.lower()).add(interval.upper()));
    return node;
  }

  private static Optional<FairnessIntervals> intervals(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    List<Interval> figures = new ArrayList<>();
    for (String figure : FairnessIntervals.FIGURES) {
      JsonNode pair = node.path(figure);
      figures.add(new Interval(pair.path(0).asDouble(), pair.path(1).asDouble()));
    }
    return Optional.of(
        new FairnessIntervals(
            node.path("level").asDouble(),
            node.path("resamples").asInt(),
            figures.get(0),
            figures.get(1),
            figures.get(2),
            figures.get(3),
            figures.get(4)));
  }

  private static ObjectNode split(SplitMetrics metrics) {
    ObjectNode node = NODES.objectNode();
    number(node, "loss", metrics.loss());
    number(node, "accuracy", metrics.accuracy());
    return node;
  }

  private static SplitMetrics split(JsonNode node) {
    return node == null
        ? SplitMetrics.UNKNOWN
        : new SplitMetrics(number(node, "loss"), number(node, "accuracy"));
  }

  private static ObjectNode fairness(FairnessReport report) {
    ObjectNode node = NODES.objectNode();
    node.put("samples", report.samples());
    node.put("accuracy", report.accuracy());
    node.put("unfairness", report.unfairness());
    node.put("eodd", report.eodd());
    node.put("eopp1", report.eopp1());
    node.put("eopp2", report.eopp2());
    ArrayNode groups = node.putArray("groups");
    for (GroupAccuracy g : report.groups()) {
      groups
          .addObject()
          .put("attribute", g.attribute())
          .put("group", g.group())
          .put("count", g.count())
          .put("accuracy", g.accuracy());
    }
    return node;
  }

  private static FairnessReport fairness(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    List<GroupAccuracy> groups = new ArrayList<>();
    for (JsonNode g : node.path("groups")) {
      groups.add(
          new GroupAccuracy(
              g.path("attribute").asText(),
              g.path("group").asText(),
              g.path("count").asInt(),
              g.path("accuracy").asDouble()));
    }
    return new FairnessReport(
        node.path("samples").asInt(),
        node.path("accuracy").asDouble(),
        groups,
        node.path("unfairness").asDouble(),
        node.path("eodd").asDouble(),
        node.path("eopp1").asDouble(),
        node.path("eopp2").asDouble());
  }

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Double.NaN : value.asDouble();
  }
}
