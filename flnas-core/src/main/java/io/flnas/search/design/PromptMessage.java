package io.flnas.search.design;

import com.google.common.base.Preconditions;

/** One message of a design request, as plain text: core knows no chat-model types. */
public record PromptMessage(Role role, String text) {
  /** Who speaks. */
  public enum Role {
    SYSTEM,
    USER,
    ASSISTANT
  }

  public PromptMessage {
    Preconditions.checkArgument(role != null, "role must not be null");
    Preconditions.checkArgument(text != null, "text must not be null");
  }

  public static PromptMessage system(String text) {
    return new PromptMessage(Role.SYSTEM, text);
  }

  public static PromptMessage user(String text) {
    return new PromptMessage(Role.USER, text);
  }

  public static PromptMessage assistant(String text) {
    return new PromptMessage(Role.ASSISTANT, text);
  }
}
