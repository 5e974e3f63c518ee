package io.flnas.search;

import java.util.List;

/**
 * Builds the messages of one design request from the design context ("PromptGenerator" in the
 * paper). Messages are plain text; the LLM module turns them into chat-model messages.
 */
@FunctionalInterface
public interface PromptStrategy {

  List<PromptMessage> messages(DesignContext context);

  default String name() {
    return getClass().getSimpleName();
  }
}
