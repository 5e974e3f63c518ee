package io.flnas.llm;

import io.flnas.search.PromptStrategy;

/**
 * Ready-made prompt strategies. Write your own as a lambda over the {@link
 * io.flnas.search.DesignContext}:
 *
 * <pre>{@code
 * PromptStrategy terse = context -> List.of(PromptMessage.user(
 *     "Improve fairness. " + context.template().formatInstructions(
 *         context.problem().input(), context.problem().numClasses())));
 * }</pre>
 */
public final class PromptStrategies {
  private PromptStrategies() {}

  /** The paper's prompt with its default priorities. */
  public static PromptStrategy flNas() {
    return flNas(Priorities.paper());
  }

  /** The paper's prompt with other priorities. */
  public static PromptStrategy flNas(Priorities priorities) {
    return new FlNasPromptStrategy(priorities, 0, 0);
  }

  /**
   * The paper's prompt plus the best {@code topK} trials and the last {@code failures} rejected or
   * failed proposals with their reasons.
   */
  public static PromptStrategy withHistory(int topK, int failures) {
    return new FlNasPromptStrategy(Priorities.paper(), topK, failures);
  }
}
