package io.flnas.examples.assertions;

import io.flnas.metrics.Evaluation;
import io.flnas.search.SearchResult;

/**
 * Entry point of the AssertJ assertions for search results and evaluations, for research notebooks
 * written as JUnit tests:
 *
 * <pre>{@code
 * import static io.flnas.examples.assertions.FlNasAssertions.assertThat;
 *
 * assertThat(result).hasIterations(10).hasCompletedAtLeast(8)
 *     .bestMeetsBudgetsOf(DeploymentTargets.raspberryPi4());
 * assertThat(best).isSuccessful().isFairerThan(baseline);
 * }</pre>
 */
public final class FlNasAssertions {
  private FlNasAssertions() {}

  public static SearchResultAssert assertThat(SearchResult actual) {
    return new SearchResultAssert(actual);
  }

  public static EvaluationAssert assertThat(Evaluation actual) {
    return new EvaluationAssert(actual);
  }
}
