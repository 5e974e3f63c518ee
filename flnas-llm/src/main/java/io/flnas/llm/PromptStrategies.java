package io.flnas.llm;

import io.flnas.search.design.PromptStrategy;

/**
 * Ready-made prompt strategies. Write your own as a lambda over the {@link
 * io.flnas.search.design.DesignContext}:
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

  /**
   * The model as the mutation and crossover operator of an evolving population: islands with
   * periodic migration and a MAP-Elites archive ({@link io.flnas.search.design.Islands}), one
   * parent and {@code inspirations} elites in each prompt; the paper's prompt until an island has a
   * member.
   *
   * <pre>{@code
   * Designer evolving = LlmDesigner.builder(model)
   *     .promptStrategy(PromptStrategies.evolution(Islands.Settings.defaults(), 3))
   *     .build();
   * }</pre>
   */
  public static PromptStrategy evolution(
      io.flnas.search.design.Islands.Settings settings, int inspirations) {
    return new EvolutionPromptStrategy(settings, inspirations, withHistory(3, 3));
  }

  /**
   * {@link #evolution(io.flnas.search.design.Islands.Settings, int)} with defaults and 3
   * inspirations.
   */
  public static PromptStrategy evolution() {
    return evolution(io.flnas.search.design.Islands.Settings.defaults(), 3);
  }
}
