package io.flnas.llm;

import com.google.common.base.Preconditions;
import dev.langchain4j.model.chat.ChatModel;
import java.util.List;

/**
 * A LangChain4j chat model with the name it is recorded under, the secrets its errors must never
 * show, and the endpoint it talks to (for error messages; empty when unknown). {@link ChatModels}
 * makes them; wrap any other {@link ChatModel} with {@link #of}.
 */
public record ConfiguredModel(
    ChatModel chatModel, String modelName, List<String> secrets, String endpoint) {
  public ConfiguredModel {
    Preconditions.checkArgument(chatModel != null, "chatModel must not be null");
    Preconditions.checkArgument(
        modelName != null && !modelName.isBlank(), "modelName must not be blank");
    secrets = List.copyOf(secrets);
    endpoint = endpoint == null ? "" : endpoint;
  }

  /** A model with secrets and no known endpoint. */
  public ConfiguredModel(ChatModel chatModel, String modelName, List<String> secrets) {
    this(chatModel, modelName, secrets, "");
  }

  /** Any LangChain4j chat model, with no secret to redact. */
  public static ConfiguredModel of(ChatModel chatModel, String modelName) {
    return new ConfiguredModel(chatModel, modelName, List.of());
  }

  /**
   * The endpoint for messages, without what may hold a credential (user information, a query
   * string), or a phrase naming the model where it is unknown.
   */
  String endpointText() {
    if (endpoint.isEmpty()) {
      return "of model " + modelName;
    }
    try {
      java.net.URI uri = java.net.URI.create(endpoint);
      return new java.net.URI(
              uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (IllegalArgumentException | java.net.URISyntaxException e) {
      return "of model " + modelName;
    }
  }

  @Override
  public String toString() {
    return "ConfiguredModel[" + modelName + "]"; // never the secrets
  }
}
