package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.metrics.Evaluation;
import io.flnas.search.design.Exchange;
import io.flnas.search.promote.Halving;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One trial of a search: who designed it, the proposal, what became of it and why.
 *
 * <p>Trials are numbered in proposal order ({@code iteration}), separately from the designer round
 * that proposed them: with several trials in flight a designer proposes several candidates in one
 * round. With one trial in flight the two numbers are equal.
 *
 * @param iteration 1-based trial number, in proposal order
 * @param designer the designer's name
 * @param architecture the proposal; empty when the designer failed
 * @param status what became of it
 * @param evaluation the evaluation (also for a failed evaluation); empty when not evaluated
 * @param reason why it was rejected or failed; empty when completed
 * @param duplicateOf the iteration whose evaluation was reused for an identical proposal
 * @param exchanges the LLM exchanges behind the proposal
 * @param seconds wall time of the trial, from its design to its end
 * @param round the 1-based designer round that proposed it
 * @param attempts the executions of its evaluation, when the executor reports them (a cluster
 *     records each attempt and the worker it ran on; a lost worker means another attempt)
 * @param proxyScore the zero-cost proxy score of the architecture, when the search {@linkplain
 *     Search.Builder#prescreen pre-screened} its proposals (higher is better)
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
    double seconds,
    int round,
    List<Attempt> attempts,
    OptionalDouble proxyScore) {

  /** What became of a proposal. */
  public enum Status {
    /** Evaluated successfully (or reused an identical proposal's successful evaluation). */
    COMPLETED,
    /** The evaluator threw or returned a failure, e.g. a NaN loss. */
    FAILED,
    /** Broke the search space or a hard budget; not evaluated. */
    REJECTED,
    /** The designer produced no valid proposal. */
    DESIGN_FAILED,
    /** Handed to an executor and not ended yet; journaled so a resume runs it again. */
    RUNNING
  }

  /** A trial of round {@code iteration} (one trial in flight) with no recorded attempts. */
  public Trial(
      int iteration,
      String designer,
      Optional<Architecture> architecture,
      Status status,
      Optional<Evaluation> evaluation,
      Optional<String> reason,
      OptionalInt duplicateOf,
      List<Exchange> exchanges,
      double seconds) {
    this(
        iteration,
        designer,
        architecture,
        status,
        evaluation,
        reason,
        duplicateOf,
        exchanges,
        seconds,
        iteration,
        List.of());
  }

  /** A trial with no proxy score (a search that does not pre-screen). */
  public Trial(
      int iteration,
      String designer,
      Optional<Architecture> architecture,
      Status status,
      Optional<Evaluation> evaluation,
      Optional<String> reason,
      OptionalInt duplicateOf,
      List<Exchange> exchanges,
      double seconds,
      int round,
      List<Attempt> attempts) {
    this(
        iteration,
        designer,
        architecture,
        status,
        evaluation,
        reason,
        duplicateOf,
        exchanges,
        seconds,
        round,
        attempts,
        OptionalDouble.empty());
  }

  public Trial {
    Preconditions.checkArgument(proxyScore != null, "proxyScore must not be null");
    Preconditions.checkArgument(
        proxyScore.isEmpty() || !Double.isNaN(proxyScore.getAsDouble()),
        "proxyScore must not be NaN (iteration %s)",
        iteration);
    Preconditions.checkArgument(iteration > 0, "iteration must be > 0, but was %s", iteration);
    Preconditions.checkArgument(status != null, "status must not be null");
    Preconditions.checkArgument(round > 0, "round must be > 0, but was %s", round);
    exchanges = List.copyOf(exchanges);
    attempts = List.copyOf(attempts);
    Preconditions.checkArgument(
        status != Status.COMPLETED || evaluation.filter(Evaluation::succeeded).isPresent(),
        "a completed trial needs a successful evaluation (iteration %s)",
        iteration);
  }

  /** This trial ended with another status, evaluation, reason and time. */
  public Trial ended(
      Status newStatus,
      Optional<Evaluation> newEvaluation,
      Optional<String> newReason,
      OptionalInt newDuplicateOf,
      double newSeconds,
      List<Attempt> newAttempts) {
    return new Trial(
        iteration,
        designer,
        architecture,
        newStatus,
        newEvaluation,
        newReason,
        newDuplicateOf,
        exchanges,
        newSeconds,
        round,
        newAttempts,
        proxyScore);
  }

  /** This trial with the evaluation of a later rung of {@link Halving}. */
  public Trial withEvaluation(Evaluation newEvaluation) {
    return ended(
        newEvaluation.succeeded() ? Status.COMPLETED : Status.FAILED,
        Optional.of(newEvaluation),
        newEvaluation.failure(),
        duplicateOf,
        seconds,
        attempts);
  }

  /**
   * This trial after a later rung of halving: that rung's evaluation, and the attempts the rung
   * took after the trial's own.
   */
  public Trial withRung(Evaluation newEvaluation, List<Attempt> moreAttempts) {
    return withEvaluation(newEvaluation).withAttempts(moreAttempts);
  }

  /** This trial with {@code moreAttempts} after its own attempts. */
  public Trial withAttempts(List<Attempt> moreAttempts) {
    if (moreAttempts.isEmpty()) {
      return this;
    }
    List<Attempt> all = new java.util.ArrayList<>(attempts);
    all.addAll(moreAttempts);
    return ended(status, evaluation, reason, duplicateOf, seconds, all);
  }

  /**
   * This trial ended with the evaluation of an identical earlier one ({@code duplicateOf} it), not
   * trained again.
   */
  public Trial reusing(Trial earlier, double newSeconds) {
    Evaluation reused = earlier.evaluation().orElseThrow();
    int original = earlier.iteration();
    return ended(
        reused.succeeded() ? Status.COMPLETED : Status.FAILED,
        Optional.of(reused),
        reused.failure().map(f -> "same as #" + original + ": " + f),
        OptionalInt.of(original),
        newSeconds,
        List.of());
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
    StringBuilder text =
        new StringBuilder("#")
            .append(iteration)
            .append(' ')
            .append(status.name().toLowerCase(Locale.ROOT));
    architecture.ifPresent(a -> text.append(' ').append(a.summary()));
    if (completed()) {
      Evaluation e = result();
      text.append(
          String.format(
              " | val acc %.1f%% unfairness %.3f params %,d",
              100 * e.accuracy(), e.unfairness(), e.hardware().parameters()));
      if (!Double.isNaN(e.hardware().latencyMs())) {
        text.append(String.format(" latency %.2f ms", e.hardware().latencyMs()));
      }
      duplicateOf.ifPresent(d -> text.append(" (same as #").append(d).append(')'));
    } else {
      reason.ifPresent(r -> text.append(" | ").append(r));
    }
    proxyScore.ifPresent(p -> text.append(String.format(" [proxy %.2f]", p)));
    if (attempts.size() > 1) {
      text.append(" [").append(attempts.size()).append(" attempts: ");
      for (int i = 0; i < attempts.size(); i++) {
        text.append(i == 0 ? "" : "; ")
            .append(attempts.get(i).worker())
            .append(' ')
            .append(attempts.get(i).outcome());
      }
      text.append(']');
    }
    return text.toString();
  }
}
