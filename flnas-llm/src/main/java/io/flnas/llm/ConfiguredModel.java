package io.flnas.llm;

import com.google.common.base.Preconditions;
import dev.langchain4j.model.chat.ChatModel;
import java.util.List;

/**
 * A LangChain4j chat model with the name it is recorded under and the secrets its errors must never
 * show. {@link ChatModels} makes them; wrap any other {@link ChatModel} with {@link #of}.
 */
public record ConfiguredModel(ChatModel chatModel, String modelName, List<String> secrets) {
  public ConfiguredModel {
    Preconditions.checkArgument(chatModel != null, "chatModel must not be null");
    Preconditions.checkArgument(modelName != null && !modelName.isBlank(),
        "modelName must not be blank");
    secrets = List.copyOf(secrets);
  }

  /** Any LangChain4j chat model, with no secret to redact. */
  public static ConfiguredModel of(ChatModel chatModel, String modelName) {
    return new ConfiguredModel(chatModel, modelName, List.of());
  }

  @Override
  public String toString() {
    return "ConfiguredModel[" + modelName + "]"; // never the secrets
  }
}
