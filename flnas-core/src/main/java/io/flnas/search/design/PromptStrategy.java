package io.flnas.search.design;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the messages of one design request from the design context ("PromptGenerator" in the
 * paper). Messages are plain text; the LLM module turns them into chat-model messages.
 */
@FunctionalInterface
public interface PromptStrategy {

  List<PromptMessage> messages(DesignContext context);

  /**
   * The messages of one request for {@code count} architectures at once (one round of a search with
   * several free slots). The default adds to {@link #messages(DesignContext)} a last user message
   * that asks for {@code count} different architectures in the template's format for several.
   */
  default List<PromptMessage> messages(DesignContext context, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return messages(context);
    }
    List<PromptMessage> messages = new ArrayList<>(messages(context));
    messages.add(
        PromptMessage.user(
            "Propose "
                + count
                + " different new architectures at once"
                + " instead of one. "
                + context
                    .template()
                    .formatInstructions(
                        context.problem().input(), context.problem().numClasses(), count)));
    return List.copyOf(messages);
  }

  default String name() {
    return getClass().getSimpleName();
  }
}
