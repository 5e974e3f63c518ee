package io.flnas.search;

/**
 * Proposes the next architecture ("LLMDesigner" in the paper). Implementations: the LLM designer
 * in flnas-llm, and {@link Designers#random()} and {@link Designers#evolution()} here.
 *
 * <p>Throw {@link io.flnas.DesignerException} when no valid proposal could be made (the iteration is
 * recorded as failed and the search goes on), or {@link io.flnas.BudgetExhaustedException} to stop
 * the search cleanly.
 */
@FunctionalInterface
public interface Designer {

  Proposal propose(DesignContext context);

  /** A name for the journal and reports; part of the configuration fingerprint. */
  default String name() {
    return getClass().getSimpleName();
  }
}
