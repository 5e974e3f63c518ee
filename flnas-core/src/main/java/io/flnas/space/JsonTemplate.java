package io.flnas.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Shape;
import java.util.Optional;

/**
 * The canonical JSON template. A reply may be the whole object or only its {@code "layers"} array;
 * {@code input} and {@code num_classes} are fixed by the data and filled in when missing.
 */
final class JsonTemplate implements Template {
  static final JsonTemplate INSTANCE = new JsonTemplate();

  private static final ObjectMapper LENIENT = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .build();

  static final String SCHEMA = """
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
        must be {"type": "linear", "units": %d} on a vector.""".formatted(
        input.channels(), input.height(), input.width(), numClasses, numClasses);
  }

  @Override
  public Architecture parse(String reply, Shape input, int numClasses) {
    if (reply == null || reply.isBlank()) {
      throw new TemplateParseException("the reply is empty; answer with the JSON object");
    }
    String body = Replies.unfence(reply, "{");
    int brace = body.indexOf('{');
    int bracket = body.indexOf('[');
    String json = bracket >= 0 && (brace < 0 || bracket < brace)
        ? "{\"layers\": " + Replies.balanced(body, '[', ']') + "}"
        : Replies.balanced(body, '{', '}');
    JsonNode root;
    try {
      root = LENIENT.readTree(json.replaceAll("\\bTrue\\b", "true").replaceAll("\\bFalse\\b", "false"));
    } catch (JsonProcessingException e) {
      throw new TemplateParseException("the JSON does not parse: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr(), e);
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

  @Override
  public String toString() {
    return "Templates.json()";
  }
}
