package io.flnas.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a template's JSON schema (core holds it as text, with no LangChain4j types) into
 * LangChain4j's schema model for structured output. Handles the subset templates use: objects,
 * arrays, string enums, integers, numbers, booleans and {@code #/$defs/...} references.
 */
final class JsonSchemas {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonSchemas() {}

  static JsonSchema fromText(String name, String schema) {
    try {
      JsonNode root = MAPPER.readTree(schema);
      JsonObjectSchema element = (JsonObjectSchema) element(root);
      Map<String, JsonSchemaElement> definitions = new LinkedHashMap<>();
      root.path("$defs")
          .fields()
          .forEachRemaining(e -> definitions.put(e.getKey(), element(e.getValue())));
      JsonObjectSchema.Builder builder =
          JsonObjectSchema.builder()
              .addProperties(element.properties())
              .required(element.required());
      if (!definitions.isEmpty()) {
        builder.definitions(definitions);
      }
      return JsonSchema.builder().name(name).rootElement(builder.build()).build();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "the template's JSON schema does not parse: " + e.getMessage(), e);
    }
  }

  private static JsonSchemaElement element(JsonNode node) {
    if (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      return JsonReferenceSchema.builder()
          .reference(ref.substring(ref.lastIndexOf('/') + 1))
          .build();
    }
    String type = node.path("type").asText();
    switch (type) {
      case "object":
        {
          JsonObjectSchema.Builder b = JsonObjectSchema.builder();
          node.path("properties")
              .fields()
              .forEachRemaining(e -> b.addProperty(e.getKey(), element(e.getValue())));
          List<String> required = new ArrayList<>();
          node.path("required").forEach(r -> required.add(r.asText()));
          return b.required(required).build();
        }
      case "array":
        return JsonArraySchema.builder().items(element(node.path("items"))).build();
      case "string":
        if (node.has("enum")) {
          List<String> values = new ArrayList<>();
          node.get("enum").forEach(v -> values.add(v.asText()));
          return JsonEnumSchema.builder().enumValues(values).build();
        }
        return JsonStringSchema.builder().build();
      case "integer":
        return JsonIntegerSchema.builder().build();
      case "number":
        return JsonNumberSchema.builder().build();
      case "boolean":
        return JsonBooleanSchema.builder().build();
      default:
        throw new IllegalArgumentException("unsupported JSON schema type '" + type + "'");
    }
  }
}
