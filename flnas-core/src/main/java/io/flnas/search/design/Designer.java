package io.flnas.search.design;

import io.flnas.DesignerException;
import io.flnas.search.StopRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposes the next architecture ("LLMDesigner" in the paper). Implementations: the LLM designer in
 * flnas-llm, and {@link Designers#random()} and {@link Designers#evolution()} here.
 *
 * <p>Throw {@link io.flnas.DesignerException} when no valid proposal could be made (the trial is
 * recorded as failed and the search goes on). Spending limits are {@link StopRule}s on the search,
 * not the designer's business; {@link io.flnas.BudgetExhaustedException} remains for a designer
 * that has nothing more to propose at all (a replay that ran out), and stops the search cleanly.
 */
@FunctionalInterface
public interface Designer {

  Proposal propose(DesignContext context);

  /**
   * Proposes one architecture per free slot of a round, each slot with its own trial number and
   * generator. A designer that can do better than one request per slot (an LLM asked for n
   * architectures at once) overrides this. The default calls {@link #propose(DesignContext)} for
   * each slot in order, and a slot whose call throws a {@link DesignerException} becomes a {@link
   * Proposal#failed failed} slot while the others stand.
   *
   * @return exactly one proposal (or failed slot) per context, in the same order
   */
  default List<Proposal> propose(List<DesignContext> slots) {
    List<Proposal> proposals = new ArrayList<>(slots.size());
    for (DesignContext slot : slots) {
      try {
        proposals.add(propose(slot));
      } catch (DesignerException e) {
        proposals.add(
            Proposal.failed(
                Proposal.describe(e), e instanceof DesignerFailure f ? f.exchanges() : List.of()));
      }
    }
    return proposals;
  }

  /** A name for the journal and reports; part of the configuration fingerprint. */
  default String name() {
    return getClass().getSimpleName();
  }
}
