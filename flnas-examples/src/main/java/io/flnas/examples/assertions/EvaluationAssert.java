package io.flnas.examples.assertions;

import io.flnas.metrics.Evaluation;
import org.assertj.core.api.AbstractAssert;

/** Assertions on an {@link Evaluation} (validation figures unless named otherwise). */
public final class EvaluationAssert extends AbstractAssert<EvaluationAssert, Evaluation> {
  EvaluationAssert(Evaluation actual) {
    super(actual, EvaluationAssert.class);
  }

  public EvaluationAssert isSuccessful() {
    isNotNull();
    if (!actual.succeeded()) {
      failWithMessage(
          "expected a successful evaluation but it failed: %s", actual.failure().orElse(""));
    }
    return this;
  }

  public EvaluationAssert hasAccuracyAtLeast(double fraction) {
    isSuccessful();
    if (actual.accuracy() < fraction) {
      failWithMessage(
          "expected validation accuracy at least %s but was %s", fraction, actual.accuracy());
    }
    return this;
  }

  /** Lower validation unfairness than {@code other}. */
  public EvaluationAssert isFairerThan(Evaluation other) {
    isSuccessful();
    if (!(actual.unfairness() < other.unfairness())) {
      failWithMessage(
          "expected unfairness below %s but was %s", other.unfairness(), actual.unfairness());
    }
    return this;
  }

  public EvaluationAssert hasParametersAtMost(long parameters) {
    isSuccessful();
    if (actual.hardware().parameters() > parameters) {
      failWithMessage(
          "expected at most %s parameters but has %s", parameters, actual.hardware().parameters());
    }
    return this;
  }

  /** Every sensitive group reached at least {@code fraction} validation accuracy. */
  public EvaluationAssert everyGroupReaches(double fraction) {
    isSuccessful();
    actual
        .validationFairness()
        .groups()
        .forEach(
            g -> {
              if (g.accuracy() < fraction) {
                failWithMessage(
                    "expected every group to reach %s but %s=%s has %s",
                    fraction, g.attribute(), g.group(), g.accuracy());
              }
            });
    return this;
  }
}
