package io.flnas.examples.assertions;

import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.rank.Objectives;
import io.flnas.space.DeploymentTarget;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link SearchResult}; failure messages name the trials involved. */
public final class SearchResultAssert extends AbstractAssert<SearchResultAssert, SearchResult> {
  SearchResultAssert(SearchResult actual) {
    super(actual, SearchResultAssert.class);
  }

  /** The history holds exactly this many iterations. */
  public SearchResultAssert hasIterations(int expected) {
    isNotNull();
    if (actual.history().size() != expected) {
      failWithMessage(
          "expected %s iterations but the history holds %s", expected, actual.history().size());
    }
    return this;
  }

  /** At least this many trials completed. */
  public SearchResultAssert hasCompletedAtLeast(int expected) {
    isNotNull();
    if (actual.completed().size() < expected) {
      failWithMessage(
          "expected at least %s completed trials but %s completed: %s",
          expected, actual.completed().size(), statuses());
    }
    return this;
  }

  /** A best trial exists. */
  public SearchResultAssert hasBest() {
    isNotNull();
    if (actual.best().isEmpty()) {
      failWithMessage("expected a best trial but none completed: %s", statuses());
    }
    return this;
  }

  /** The best trial's validation accuracy is at least {@code fraction}. */
  public SearchResultAssert bestHasAccuracyAtLeast(double fraction) {
    hasBest();
    double accuracy = actual.best().get().result().accuracy();
    if (accuracy < fraction) {
      failWithMessage(
          "expected the best trial (#%s) to reach accuracy %s but it has %s",
          actual.best().get().iteration(), fraction, accuracy);
    }
    return this;
  }

  /** The best trial's validation unfairness is at most {@code fraction}. */
  public SearchResultAssert bestHasUnfairnessAtMost(double fraction) {
    hasBest();
    double unfairness = actual.best().get().result().unfairness();
    if (unfairness > fraction) {
      failWithMessage(
          "expected the best trial (#%s) to have unfairness at most %s but it has %s",
          actual.best().get().iteration(), fraction, unfairness);
    }
    return this;
  }

  /** The best trial fits every budget of the target. */
  public SearchResultAssert bestMeetsBudgetsOf(DeploymentTarget target) {
    hasBest();
    Trial best = actual.best().get();
    if (!Objectives.meets(best.result(), target)) {
      failWithMessage(
          "expected the best trial (#%s) to meet the budgets of %s but it has %s"
              + " parameters, %s MB, %s ms",
          best.iteration(),
          target.name(),
          best.result().hardware().parameters(),
          best.result().hardware().analyticMemoryMb(),
          best.result().hardware().latencyMs());
    }
    return this;
  }

  /** The best trial lies on the Pareto front. */
  public SearchResultAssert bestIsOnTheParetoFront() {
    hasBest();
    if (!actual.paretoFront().contains(actual.best().get())) {
      failWithMessage(
          "expected the best trial (#%s) on the Pareto front %s",
          actual.best().get().iteration(),
          actual.paretoFront().stream().map(Trial::iteration).toList());
    }
    return this;
  }

  /** No iteration failed to design a proposal. */
  public SearchResultAssert hasNoDesignFailures() {
    isNotNull();
    var failed =
        actual.history().stream().filter(t -> t.status() == Trial.Status.DESIGN_FAILED).toList();
    if (!failed.isEmpty()) {
      failWithMessage(
          "expected no design failures but found %s",
          failed.stream().map(t -> "#" + t.iteration() + ": " + t.reason().orElse("")).toList());
    }
    return this;
  }

  /** The search ran to its iteration limit. */
  public SearchResultAssert ranToCompletion() {
    isNotNull();
    if (actual.stopReason().isPresent()) {
      failWithMessage(
          "expected the search to run to completion but it stopped: %s", actual.stopReason().get());
    }
    return this;
  }

  private String statuses() {
    return actual.history().stream()
        .map(t -> "#" + t.iteration() + " " + t.status())
        .toList()
        .toString();
  }
}
