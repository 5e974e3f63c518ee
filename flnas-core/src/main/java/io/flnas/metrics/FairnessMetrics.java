package io.flnas.metrics;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a {@link FairnessReport} from labels, predictions and group memberships, exactly as
 * DESIGN.md defines it, over any number of {@link GroupColumn}s:
 *
 * <ul>
 *   <li>A sample whose attribute value is unknown counts in the overall figures but in no group of
 *       that attribute; empty groups are skipped.
 *   <li>Unfairness = mean over all non-empty groups g of all attributes of |Acc_g - Acc_overall|.
 *   <li>Within each attribute, every unordered pair of non-empty groups; per pair and class c,
 *       one-vs-rest TPR = TP/P, FPR = FP/N, TNR = TN/N within each group. A class enters a pair's
 *       TPR term only where both groups have P &gt; 0, its TNR term only where both have N &gt; 0,
 *       its EODD term only where both hold. A pair with no defined term is left out of that
 *       metric's mean; a metric with no pair at all is 0.
 *   <li>With exactly two classes only class 1 is the positive class (the paper's binary case).
 * </ul>
 *
 * <pre>{@code
 * FairnessReport report = FairnessMetrics.compute(8, labels, predictions,
 *     List.of(new GroupColumn("sex", List.of("male", "female"), sex)));
 * }</pre>
 */
public final class FairnessMetrics {
  private FairnessMetrics() {}

  public static FairnessReport compute(
      int numClasses, int[] labels, int[] predictions, List<GroupColumn> attributes) {
    Preconditions.checkArgument(numClasses > 1, "numClasses must be > 1, but was %s", numClasses);
    Preconditions.checkArgument(
        labels.length == predictions.length,
        "labels (%s) and predictions (%s) must have the same length",
        labels.length,
        predictions.length);
    for (GroupColumn column : attributes) {
      Preconditions.checkArgument(
          column.size() == labels.length,
          "attribute %s has %s samples but there are %s labels",
          column.attribute(),
          column.size(),
          labels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      Preconditions.checkArgument(
          labels[i] >= 0 && labels[i] < numClasses,
          "label of sample %s must be in [0, %s), but was %s",
          i,
          numClasses,
          labels[i]);
      Preconditions.checkArgument(
          predictions[i] >= 0 && predictions[i] < numClasses,
          "prediction of sample %s must be in [0, %s), but was %s",
          i,
          numClasses,
          predictions[i]);
    }
    return report(numClasses, labels, predictions, attributes);
  }

  private static FairnessReport report(
      int numClasses, int[] labels, int[] predictions, List<GroupColumn> attributes) {
    List<GroupAccuracy> groups = new ArrayList<>();
    double[] figures = SignedGaps.of(numClasses, labels, predictions, attributes, groups).figures();
    return new FairnessReport(
        labels.length, figures[0], groups, figures[1], figures[2], figures[3], figures[4]);
  }
}
