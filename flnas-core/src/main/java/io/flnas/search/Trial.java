package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.metrics.Evaluation;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One iteration of a search: who designed it, the proposal, what became of it and why.
 *
 * @param iteration 1-based iteration number
 * @param designer the designer's name
 * @param architecture the proposal; empty when the designer failed
 * @param status what became of it
 * @param evaluation the evaluation (also for a failed evaluation); empty when not evaluated
 * @param reason why it was rejected or failed; empty when completed
 * @param duplicateOf the iteration whose evaluation was reused for an identical proposal
 * @param exchanges the LLM exchanges behind the proposal
 * @param seconds wall time of the iteration
 */
public record Trial(
    int iteration,
    String designer,
    Optional<Architecture> architecture,
    Status status,
    Optional<Evaluation> evaluation,
    Optional<String> reason,
    OptionalInt duplicateOf,
    List<Exchange> exchanges,
    double seconds) {

  /** What became of a proposal. */
  public enum Status {
    /** Evaluated successfully (or reused an identical proposal's successful evaluation). */
    COMPLETED,
    /** The evaluator threw or returned a failure, e.g. a NaN loss. */
    FAILED,
    /** Broke the search space or a hard budget; not evaluated. */
    REJECTED,
    /** The designer produced no valid proposal. */
    DESIGN_FAILED
  }

  public Trial {
    Preconditions.checkArgument(iteration > 0, "iteration must be > 0, but was %s", iteration);
    Preconditions.checkArgument(status != null, "status must not be null");
    exchanges = List.copyOf(exchanges);
    Preconditions.checkArgument(status != Status.COMPLETED
            || evaluation.filter(Evaluation::succeeded).isPresent(),
        "a completed trial needs a successful evaluation (iteration %s)", iteration);
  }

  public boolean completed() {
    return status == Status.COMPLETED;
  }

  /** The successful evaluation; throws for a trial that did not complete. */
  public Evaluation result() {
    Preconditions.checkState(completed(), "trial %s did not complete: %s", iteration, status);
    return evaluation.orElseThrow();
  }

  /** The architecture's content hash, or empty. */
  public Optional<String> hash() {
    return architecture.map(Architecture::hash);
  }

  /** A one-line account: {@code #3 completed c3x3/32 ... acc 71.2% unf 0.031 params 21,345}. */
  public String summary() {
    StringBuilder text = new StringBuilder("#").append(iteration).append(' ')
        .append(status.name().toLowerCase());
    architecture.ifPresent(a -> text.append(' ').append(a.summary()));
    if (completed()) {
      Evaluation e = result();
      text.append(String.format(" | val acc %.1f%% unfairness %.3f params %,d", 100 * e.accuracy(),
          e.unfairness(), e.hardware().parameters()));
      if (!Double.isNaN(e.hardware().latencyMs())) {
        text.append(String.format(" latency %.2f ms", e.hardware().latencyMs()));
      }
      duplicateOf.ifPresent(d -> text.append(" (same as #").append(d).append(')'));
    } else {
      reason.ifPresent(r -> text.append(" | ").append(r));
    }
    return text.toString();
  }
}
