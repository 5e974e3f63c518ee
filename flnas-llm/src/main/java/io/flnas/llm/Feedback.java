package io.flnas.llm;

import io.flnas.arch.Violation;
import io.flnas.search.Trial;
import io.flnas.search.design.DesignContext;

/** The feedback a model gets on a single proposal the core check refused. */
final class Feedback {
  private Feedback() {}

  /** What to tell the model about a candidate the check refused; null when it passed. */
  static String of(DesignContext.Check check) {
    if (check.accepted()) {
      return null;
    }
    if (!check.violations().isEmpty()) {
      return "The architecture breaks these rules: "
          + Violation.join(check.violations())
          + ". Fix every one of them and answer again with the whole architecture in the"
          + " same format.";
    }
    Trial earlier = check.duplicateOf().orElseThrow();
    if (earlier.status() == Trial.Status.RUNNING) {
      return "This architecture is being evaluated right now in iteration "
          + earlier.iteration()
          + ". Propose a different one.";
    }
    return "This architecture was already evaluated in iteration "
        + earlier.iteration()
        + " ("
        + earlier.evaluation().map(e -> e.metricsParagraph()).orElse("")
        + "). Propose a different one.";
  }
}
