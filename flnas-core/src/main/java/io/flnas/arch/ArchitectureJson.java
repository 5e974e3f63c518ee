package io.flnas.arch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import io.flnas.TemplateParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The canonical JSON form of an {@link Architecture}, both ways, and its content hash.
 *
 * <p>Canonical means: fixed key order, every field written (no defaults left implicit), so the same
 * architecture always gives the same bytes and therefore the same hash. Reading is more forgiving:
 * optional fields take the documented defaults (conv2d: stride 1, padding kernel/2, groups 1, no
 * bias; pool: stride = kernel, padding 0; linear: bias; group norm: 8 groups; projection norm:
 * batch), and errors name the JSON path of the offending layer so they can be sent back to a model.
 *
 * <pre>{@code
 * String json = ArchitectureJson.write(architecture);
 * Architecture same = ArchitectureJson.read(json);
 * }</pre>
 */
public final class ArchitectureJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ArchitectureJson() {}

  /** Compact canonical JSON. */
  public static String write(Architecture architecture) {
    return toNode(architecture, true).toString();
  }

  /** Indented canonical JSON, for prompts and files people read. */
  public static String writePretty(Architecture architecture) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toNode(architecture, true));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex SHA-256 of the canonical JSON without the name. */
  public static String hash(Architecture architecture) {
    return Hashing.sha256()
        .hashString(toNode(architecture, false).toString(), StandardCharsets.UTF_8)
        .toString();
  }

  /** The canonical tree; {@code withName} false gives the form that is hashed. */
  public static ObjectNode toNode(Architecture architecture, boolean withName) {
    ObjectNode root = NODES.objectNode();
    if (withName) {
      root.put("name", architecture.name());
    }
    ObjectNode input = root.putObject("input");
    input.put("channels", architecture.input().channels());
    input.put("height", architecture.input().height());
    input.put("width", architecture.input().width());
    root.put("num_classes", architecture.numClasses());
    root.set("layers", layersNode(architecture.layers()));
    return root;
  }

  /** The canonical JSON array of a layer list. */
  public static ArrayNode layersNode(List<Layer> layers) {
    ArrayNode array = NODES.arrayNode();
    for (Layer layer : layers) {
      array.add(layerNode(layer));
    }
    return array;
  }

  private static ObjectNode layerNode(Layer layer) {
    ObjectNode node = NODES.objectNode();
    node.put("type", layer.type());
    if (layer instanceof Layer.Conv2d c) {
      node.put("filters", c.filters())
          .put("kernel", c.kernel())
          .put("stride", c.stride())
          .put("padding", c.padding())
          .put("groups", c.groups())
          .put("bias", c.bias());
    } else if (layer instanceof Layer.Norm n) {
      node.put("kind", n.kind().key());
      if (n.kind() == NormKind.GROUP) {
        node.put("groups", n.groups());
      }
    } else if (layer instanceof Layer.Activation a) {
      node.put("kind", a.kind().key());
    } else if (layer instanceof Layer.Pool p) {
      node.put("kind", p.kind().key())
          .put("kernel", p.kernel())
          .put("stride", p.stride())
          .put("padding", p.padding());
    } else if (layer instanceof Layer.Dropout d) {
      node.put("rate", d.rate());
    } else if (layer instanceof Layer.Linear l) {
      node.put("units", l.units()).put("bias", l.bias());
    } else if (layer instanceof Layer.Residual r) {
      node.put("shortcut", r.shortcut().key());
      if (r.shortcut() == Shortcut.PROJECTION) {
        node.put("projection_norm", r.projectionNorm().key());
      }
      node.set("body", layersNode(r.body()));
    } else if (layer instanceof Layer.Cell cell) {
      node.put("nodes", cell.nodes());
      var edges = node.putArray("edges");
      for (Layer.Edge edge : cell.edges()) {
        edges
            .addObject()
            .put("from", edge.from())
            .put("to", edge.to())
            .set("layers", layersNode(edge.layers()));
      }
    }
    return node;
  }

  /**
   * Reads canonical (or hand-written) JSON.
   *
   * @throws TemplateParseException naming the path and field that could not be read
   */
  public static Architecture read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TemplateParseException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    return fromNode(root, null, 0);
  }

  /**
   * Reads an architecture from a JSON tree. Where {@code input} or {@code num_classes} is missing,
   * {@code defaultInput} and {@code defaultClasses} are used; where present they must agree with
   * them (when given), because the data fixes both.
   */
  public static Architecture fromNode(JsonNode root, Shape defaultInput, int defaultClasses) {
    if (root == null || !root.isObject()) {
      throw new TemplateParseException(
          "expected a JSON object with a \"layers\" array, but got "
              + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    Shape input = defaultInput;
    JsonNode inputNode = root.get("input");
    if (inputNode != null && !inputNode.isNull()) {
      Shape declared =
          Shape.image(
              positiveInt(inputNode, "channels", "input"),
              positiveInt(inputNode, "height", "input"),
              positiveInt(inputNode, "width", "input"));
      if (defaultInput != null && !declared.equals(defaultInput)) {
        throw new TemplateParseException(
            "input is fixed by the data to "
                + defaultInput
                + " but the reply declares "
                + declared);
      }
      input = declared;
    }
    if (input == null) {
      throw new TemplateParseException("missing \"input\" object with channels, height, width");
    }
    int classes = defaultClasses;
    if (root.hasNonNull("num_classes")) {
      int declared = positiveInt(root, "num_classes", "architecture");
      if (defaultClasses > 0 && declared != defaultClasses) {
        throw new TemplateParseException(
            "num_classes is fixed by the data to "
                + defaultClasses
                + " but the reply declares "
                + declared);
      }
      classes = declared;
    }
    if (classes <= 1) {
      throw new TemplateParseException("missing \"num_classes\" (an integer > 1)");
    }
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      throw new TemplateParseException("expected a non-empty \"layers\" array");
    }
    String name = root.hasNonNull("name") ? root.get("name").asText() : "";
    return new Architecture(name, input, classes, readLayers(layers, "layers"));
  }

  private static List<Layer> readLayers(JsonNode array, String path) {
    List<Layer> layers = new ArrayList<>();
    Iterator<JsonNode> elements = array.elements();
    for (int i = 0; elements.hasNext(); i++) {
      layers.add(readLayer(elements.next(), path + "[" + i + "]"));
    }
    return layers;
  }

  private static Layer readLayer(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new TemplateParseException(path + ": expected a layer object, but got " + node);
    }
    String type = text(node, "type", path).toLowerCase(Locale.ROOT).replace('-', '_');
    try {
      switch (type) {
        case "conv2d":
        case "conv":
          {
            int kernel = positiveInt(node, "kernel", path);
            return new Layer.Conv2d(
                positiveInt(node, "filters", path),
                kernel,
                optionalInt(node, "stride", 1, path),
                optionalInt(node, "padding", kernel / 2, path),
                optionalInt(node, "groups", 1, path),
                optionalBool(node, "bias", false, path));
          }
        case "norm":
        case "normalization":
          return new Layer.Norm(
              NormKind.of(text(node, "kind", path)), optionalInt(node, "groups", 8, path));
        case "activation":
          return new Layer.Activation(ActivationKind.of(text(node, "kind", path)));
        case "pool":
          {
            int kernel = positiveInt(node, "kernel", path);
            return new Layer.Pool(
                PoolKind.of(text(node, "kind", path)),
                kernel,
                optionalInt(node, "stride", kernel, path),
                optionalInt(node, "padding", 0, path));
          }
        case "global_avg_pool":
          return new Layer.GlobalAvgPool();
        case "flatten":
          return new Layer.Flatten();
        case "dropout":
          return new Layer.Dropout(number(node, "rate", path));
        case "linear":
          return new Layer.Linear(
              positiveInt(node, "units", path), optionalBool(node, "bias", true, path));
        case "residual":
          {
            JsonNode body = node.get("body");
            if (body == null || !body.isArray() || body.isEmpty()) {
              throw new TemplateParseException(
                  path + ": residual needs a non-empty \"body\" array");
            }
            Shortcut shortcut =
                node.hasNonNull("shortcut")
                    ? Shortcut.of(text(node, "shortcut", path))
                    : Shortcut.IDENTITY;
            NormKind norm =
                node.hasNonNull("projection_norm")
                    ? NormKind.of(text(node, "projection_norm", path))
                    : NormKind.BATCH;
            return new Layer.Residual(readLayers(body, path + ".body"), shortcut, norm);
          }
        case "cell":
          {
            JsonNode edges = node.get("edges");
            if (edges == null || !edges.isArray()) {
              throw new TemplateParseException(path + ": cell needs an \"edges\" array");
            }
            List<Layer.Edge> read = new ArrayList<>();
            for (int i = 0; i < edges.size(); i++) {
              JsonNode edge = edges.get(i);
              String where = path + ".edges[" + i + "]";
              if (!edge.isObject()) {
                throw new TemplateParseException(
                    where + ": expected an edge object, but got " + edge);
              }
              JsonNode layers = edge.get("layers");
              read.add(
                  new Layer.Edge(
                      optionalInt(edge, "from", -1, where),
                      optionalInt(edge, "to", -1, where),
                      layers == null || layers.isEmpty()
                          ? List.of()
                          : readLayers(layers, where + ".layers")));
            }
            return new Layer.Cell(positiveInt(node, "nodes", path), read);
          }
        default:
          throw new TemplateParseException(
              path
                  + ": unknown layer type '"
                  + type
                  + "'; expected"
                  + " one of conv2d, norm, activation, pool, global_avg_pool, flatten, dropout,"
                  + " linear, residual, cell");
      }
    } catch (IllegalArgumentException e) {
      throw new TemplateParseException(path + " (" + type + "): " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new TemplateParseException(path + ": missing text field \"" + field + "\"");
    }
    return value.asText();
  }

  private static int positiveInt(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new TemplateParseException(path + ": missing \"" + field + "\" (a positive integer)");
    }
    int result = integer(value, field, path);
    if (result <= 0) {
      throw new TemplateParseException(path + ": \"" + field + "\" must be > 0, but was " + result);
    }
    return result;
  }

  private static int optionalInt(JsonNode node, String field, int fallback, String path) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : integer(value, field, path);
  }

  private static int integer(JsonNode value, String field, String path) {
    if (value.isArray() && value.size() == 2 && value.get(0).equals(value.get(1))) {
      value = value.get(0); // [3, 3] kernels and strides, as PyTorch allows
    }
    if (!value.isIntegralNumber()
        && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
      throw new TemplateParseException(
          path + ": \"" + field + "\" must be an integer, but was " + value);
    }
    return value.asInt();
  }

  private static double number(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new TemplateParseException(path + ": missing number \"" + field + "\"");
    }
    return value.asDouble();
  }

  private static boolean optionalBool(JsonNode node, String field, boolean fallback, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new TemplateParseException(
          path + ": \"" + field + "\" must be true or false, but was " + value);
    }
    return value.asBoolean();
  }
}
