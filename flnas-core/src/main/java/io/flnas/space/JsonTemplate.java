package io.flnas.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Shape;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The canonical JSON template. A reply may be the whole object or only its {@code "layers"} array;
 * {@code input} and {@code num_classes} are fixed by the data and filled in when missing. Several
 * architectures come as a JSON array of such objects.
 */
final class JsonTemplate implements Template {
  static final JsonTemplate INSTANCE = new JsonTemplate();

  private static final ObjectMapper LENIENT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .build();

  static final String SCHEMA =
      """
      {
        "type": "object",
        "properties": {
          "layers": {"type": "array", "items": {"$ref": "#/$defs/layer"}}
        },
        "required": ["layers"],
        "$defs": {
          "layer": {
            "type": "object",
            "properties": {
              "type": {"type": "string", "enum": ["conv2d", "norm", "activation", "pool",
                "global_avg_pool", "flatten", "dropout", "linear", "residual"]},
              "filters": {"type": "integer"},
              "kernel": {"type": "integer"},
              "stride": {"type": "integer"},
              "padding": {"type": "integer"},
              "groups": {"type": "integer"},
              "bias": {"type": "boolean"},
              "kind": {"type": "string", "enum": ["batch", "group", "layer", "instance", "none",
                "relu", "relu6", "leaky_relu", "gelu", "silu", "max", "avg"]},
              "rate": {"type": "number"},
              "units": {"type": "integer"},
              "shortcut": {"type": "string", "enum": ["identity", "projection"]},
              "projection_norm": {"type": "string", "enum": ["batch", "group", "layer", "instance", "none"]},
              "body": {"type": "array", "items": {"$ref": "#/$defs/layer"}}
            },
            "required": ["type"]
          }
        }
      }
      """;

  private static final String BATCH_SCHEMA = batchSchema();

  /** The opening of a wrapping object whose first field is an array, such as the batch form's. */
  private static final Pattern WRAPPER = Pattern.compile("\\{\\s*[\"']?(\\w+)[\"']?\\s*:\\s*\\[");

  private JsonTemplate() {}

  @Override
  public String name() {
    return "json";
  }

  @Override
  public String render(Architecture architecture) {
    ObjectNode node = ArchitectureJson.toNode(architecture, false);
    try {
      return LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String formatInstructions(Shape input, int numClasses) {
    return """
        Answer with one JSON object and nothing else, in this form:
        {"layers": [LAYER, ...]}
        """
        + layerRules(input, numClasses);
  }

  @Override
  public String formatInstructions(Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return formatInstructions(input, numClasses);
    }
    return """
        Answer with one JSON object and nothing else, holding a JSON array of exactly %d different
        architectures, each an object with its own "layers" array:
        {"architectures": [{"layers": [LAYER, ...]}, {"layers": [LAYER, ...]}, ...]}
        """
            .formatted(count)
        + layerRules(input, numClasses);
  }

  private static String layerRules(Shape input, int numClasses) {
    return """
        The input is fixed to %d channels x %d x %d pixels and the output to %d classes.
        Each LAYER is an object with a "type" and its fields:
          {"type": "conv2d", "filters": F, "kernel": K, "stride": S, "padding": P, "groups": G, "bias": false}
          {"type": "norm", "kind": "batch" | "group" | "layer" | "instance" | "none", "groups": G (group only)}
          {"type": "activation", "kind": "relu" | "relu6" | "leaky_relu" | "gelu" | "silu"}
          {"type": "pool", "kind": "max" | "avg", "kernel": K, "stride": S, "padding": P}
          {"type": "global_avg_pool"}   (averages each channel: feature map -> vector)
          {"type": "flatten"}
          {"type": "dropout", "rate": R}
          {"type": "linear", "units": U, "bias": true}   (needs a vector input)
          {"type": "residual", "shortcut": "identity" | "projection", "body": [LAYER, ...]}
        Input channels are implied by the previous layer; do not write them. A residual adds its
        body's output to its input (identity) or to a 1x1 conv + norm of its input (projection, for a
        body that changes channels or size); put an activation after it if wanted. The last layer
        must be {"type": "linear", "units": %d} on a vector."""
        .formatted(input.channels(), input.height(), input.width(), numClasses, numClasses);
  }

  @Override
  public Architecture parse(String reply, Shape input, int numClasses) {
    if (reply == null || reply.isBlank()) {
      throw new TemplateParseException("the reply is empty; answer with the JSON object");
    }
    String body = Replies.unfence(reply, "{");
    int brace = body.indexOf('{');
    int bracket = body.indexOf('[');
    String json =
        bracket >= 0 && (brace < 0 || bracket < brace)
            ? "{\"layers\": " + Replies.balanced(body, '[', ']') + "}"
            : Replies.balanced(body, '{', '}');
    return fromJson(json, input, numClasses);
  }

  /**
   * Reads {@code count} architectures: a JSON array of architecture objects (bare, or the one array
   * of a wrapping object such as {@code {"architectures": [...]}}), architecture objects one after
   * another, or each in its own fenced block. An array whose items are layers is one architecture,
   * as in {@link #parse}. Each item is read on its own, so a syntax error in one leaves the others
   * readable.
   */
  @Override
  public List<Parsed> parseAll(String reply, Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (reply == null || reply.isBlank()) {
      throw new TemplateParseException("the reply is empty; answer with the JSON object");
    }
    List<String> fenced =
        Replies.fencedBlocks(reply).stream()
            .filter(b -> b.contains("{"))
            .collect(Collectors.toList());
    String body = fenced.isEmpty() ? Replies.unfence(reply, "{") : String.join("\n", fenced);
    int brace = body.indexOf('{');
    int bracket = body.indexOf('[');
    List<String> items;
    if (bracket >= 0 && (brace < 0 || bracket < brace)) {
      items = Replies.arrayItems(body, bracket);
      if (!items.isEmpty() && isLayer(items.get(0))) {
        int end = Replies.close(body, bracket);
        items = List.of(end < 0 ? body.substring(bracket) : body.substring(bracket, end + 1));
      }
    } else if (brace >= 0) {
      Matcher wrapper = WRAPPER.matcher(body).region(brace, body.length());
      items =
          wrapper.lookingAt() && !wrapper.group(1).equals("layers")
              ? Replies.arrayItems(body, wrapper.end() - 1)
              : Replies.objects(body, brace);
    } else {
      throw new TemplateParseException(
          "no JSON object or array found in the reply; answer with"
              + " the JSON object in the required form");
    }
    if (items.isEmpty()) {
      throw new TemplateParseException(
          "the reply holds no architecture object; answer with the"
              + " JSON object in the required form");
    }
    return Parsed.each(
        items,
        count,
        item ->
            fromJson(
                item.startsWith("[") ? "{\"layers\": " + item + "}" : item, input, numClasses));
  }

  private static boolean isLayer(String item) {
    try {
      JsonNode node = LENIENT.readTree(item);
      return node.isObject() && node.has("type") && !node.has("layers");
    } catch (JsonProcessingException e) {
      return false; // reported when the item is read
    }
  }

  private static Architecture fromJson(String json, Shape input, int numClasses) {
    if (Replies.close(json, 0) < 0) {
      throw new TemplateParseException(
          "the reply is cut off: the '" + json.charAt(0) + "' at its start is never closed");
    }
    JsonNode root;
    try {
      root =
          LENIENT.readTree(
              json.replaceAll("\\bTrue\\b", "true").replaceAll("\\bFalse\\b", "false"));
    } catch (JsonProcessingException e) {
      throw new TemplateParseException(
          "the JSON does not parse: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    }
    if (root.isObject() && !root.has("layers") && root.size() == 1) {
      JsonNode inner = root.elements().next();
      if (inner.isObject() && inner.has("layers")) {
        root = inner; // {"architecture": {"layers": [...]}}
      }
    }
    return ArchitectureJson.fromNode(root, input, numClasses);
  }

  @Override
  public Optional<String> jsonSchema() {
    return Optional.of(SCHEMA);
  }

  /** For several: an object whose {@code "architectures"} array holds architecture objects. */
  @Override
  public Optional<String> jsonSchema(int count) {
    return Optional.of(count == 1 ? SCHEMA : BATCH_SCHEMA);
  }

  private static String batchSchema() {
    try {
      ObjectNode single = (ObjectNode) LENIENT.readTree(SCHEMA);
      ObjectNode batch = LENIENT.createObjectNode().put("type", "object");
      batch
          .putObject("properties")
          .putObject("architectures")
          .put("type", "array")
          .putObject("items")
          .put("$ref", "#/$defs/architecture");
      batch.putArray("required").add("architectures");
      ObjectNode defs = batch.putObject("$defs");
      ObjectNode architecture = defs.putObject("architecture");
      architecture.put("type", "object");
      architecture.set("properties", single.get("properties"));
      architecture.set("required", single.get("required"));
      defs.setAll((ObjectNode) single.get("$defs"));
      return LENIENT.writeValueAsString(batch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Templates.json()";
  }
}
