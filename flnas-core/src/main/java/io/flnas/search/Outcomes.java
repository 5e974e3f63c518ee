package io.flnas.search;

import io.flnas.arch.Cost;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.HardwareReport;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Designer;
import io.flnas.search.design.DesignerFailure;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.Proposal;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an executor's answer means for a trial: its evaluation, or why it failed. */
final class Outcomes {
  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

  private Outcomes() {}

  /**
   * The evaluation an executor returned, or a failed one saying why it could not evaluate. An
   * {@link Error} (out of memory or worse) is thrown on: the process is not fit to go on, the trial
   * stays RUNNING in the journal and a resume runs it again.
   */
  static Evaluation evaluation(
      int trial, TrialExecutor.Execution execution, Throwable error, Cost cost, String evaluator) {
    if (error == null && execution != null && execution.evaluation() != null) {
      return execution.evaluation();
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    cause =
        cause != null
            ? cause
            : new IllegalStateException("evaluator " + evaluator + " returned null");
    if (cause instanceof Error fatal) {
      throw fatal;
    }
    LOG.warn("evaluation of trial {} failed", trial, cause);
    return Evaluation.failed(
        "evaluation failed: " + describe(cause), HardwareReport.analytic(cost));
  }

  /**
   * The designer's proposals for a round's slots. A failure of the whole call fails every slot with
   * its reason (the exchanges go with the first); a spent budget or an abort goes on up.
   */
  static java.util.List<Proposal> ask(Designer designer, java.util.List<DesignContext> slots) {
    try {
      java.util.List<Proposal> proposals = designer.propose(slots);
      if (proposals == null || proposals.size() != slots.size()) {
        throw new IllegalStateException(
            "designer "
                + designer.name()
                + " answered "
                + (proposals == null ? "null" : proposals.size() + " proposals")
                + " for "
                + slots.size()
                + " slots");
      }
      return proposals;
    } catch (io.flnas.BudgetExhaustedException | io.flnas.SearchAbortedException e) {
      throw e;
    } catch (RuntimeException e) {
      java.util.List<Exchange> exchanges =
          e instanceof DesignerFailure f ? f.exchanges() : java.util.List.of();
      java.util.List<Proposal> failed = new java.util.ArrayList<>();
      for (int i = 0; i < slots.size(); i++) {
        failed.add(Proposal.failed(describe(e), i == 0 ? exchanges : java.util.List.of()));
      }
      return failed;
    }
  }

  /** The message of a failure, or its type when it has none. */
  static String describe(Throwable e) {
    return Proposal.describe(e);
  }
}
