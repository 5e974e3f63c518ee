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

  public static FairnessReport compute(int numClasses, int[] labels, int[] predictions,
      List<GroupColumn> attributes) {
    Preconditions.checkArgument(numClasses > 1, "numClasses must be > 1, but was %s", numClasses);
    Preconditions.checkArgument(labels.length == predictions.length,
        "labels (%s) and predictions (%s) must have the same length", labels.length,
        predictions.length);
    for (GroupColumn column : attributes) {
      Preconditions.checkArgument(column.size() == labels.length,
          "attribute %s has %s samples but there are %s labels", column.attribute(),
          column.size(), labels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      Preconditions.checkArgument(labels[i] >= 0 && labels[i] < numClasses,
          "label of sample %s must be in [0, %s), but was %s", i, numClasses, labels[i]);
      Preconditions.checkArgument(predictions[i] >= 0 && predictions[i] < numClasses,
          "prediction of sample %s must be in [0, %s), but was %s", i, numClasses, predictions[i]);
    }
    int n = labels.length;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      correct += labels[i] == predictions[i] ? 1 : 0;
    }
    double overall = n == 0 ? 0 : (double) correct / n;

    List<GroupAccuracy> groups = new ArrayList<>();
    double gapSum = 0;
    double[] eodd = new double[2];
    double[] eopp1 = new double[2];
    double[] eopp2 = new double[2];
    for (GroupColumn column : attributes) {
      List<Confusion> nonEmpty = new ArrayList<>();
      for (int g = 0; g < column.groups().size(); g++) {
        Confusion confusion = new Confusion(numClasses);
        for (int i = 0; i < n; i++) {
          if (column.groupOf(i) == g) {
            confusion.add(labels[i], predictions[i]);
          }
        }
        if (confusion.count > 0) {
          nonEmpty.add(confusion);
          groups.add(new GroupAccuracy(column.attribute(), column.groups().get(g),
              confusion.count, confusion.accuracy()));
          gapSum += Math.abs(confusion.accuracy() - overall);
        }
      }
      for (int a = 0; a < nonEmpty.size(); a++) {
        for (int b = a + 1; b < nonEmpty.size(); b++) {
          pair(nonEmpty.get(a), nonEmpty.get(b), numClasses, eodd, eopp1, eopp2);
        }
      }
    }
    return new FairnessReport(n, overall, groups, groups.isEmpty() ? 0 : gapSum / groups.size(),
        mean(eodd), mean(eopp1), mean(eopp2));
  }

  /** Adds one pair's class-means to the running {sum, count} of each metric. */
  private static void pair(Confusion x, Confusion y, int numClasses, double[] eodd,
      double[] eopp1, double[] eopp2) {
    double tprSum = 0;
    double tnrSum = 0;
    double oddsSum = 0;
    int tprTerms = 0;
    int tnrTerms = 0;
    int oddsTerms = 0;
    int first = numClasses == 2 ? 1 : 0;
    for (int c = first; c < numClasses; c++) {
      boolean positives = x.positives(c) > 0 && y.positives(c) > 0;
      boolean negatives = x.negatives(c) > 0 && y.negatives(c) > 0;
      double dTpr = positives ? Math.abs(x.tpr(c) - y.tpr(c)) : 0;
      if (positives) {
        tprSum += dTpr;
        tprTerms++;
      }
      if (negatives) {
        tnrSum += Math.abs(x.tnr(c) - y.tnr(c));
        tnrTerms++;
      }
      if (positives && negatives) {
        oddsSum += Math.max(dTpr, Math.abs(x.fpr(c) - y.fpr(c)));
        oddsTerms++;
      }
    }
    accumulate(eopp1, tprSum, tprTerms);
    accumulate(eopp2, tnrSum, tnrTerms);
    accumulate(eodd, oddsSum, oddsTerms);
  }

  private static void accumulate(double[] running, double sum, int terms) {
    if (terms > 0) {
      running[0] += sum / terms;
      running[1] += 1;
    }
  }

  private static double mean(double[] running) {
    return running[1] == 0 ? 0 : running[0] / running[1];
  }

  /** Per-class counts of one group. */
  private static final class Confusion {
    final int[] labelCount;
    final int[] truePositive;
    final int[] predictedCount;
    int count;
    int correct;

    Confusion(int classes) {
      labelCount = new int[classes];
      truePositive = new int[classes];
      predictedCount = new int[classes];
    }

    void add(int label, int prediction) {
      count++;
      labelCount[label]++;
      predictedCount[prediction]++;
      if (label == prediction) {
        correct++;
        truePositive[label]++;
      }
    }

    double accuracy() {
      return (double) correct / count;
    }

    int positives(int c) {
      return labelCount[c];
    }

    int negatives(int c) {
      return count - labelCount[c];
    }

    double tpr(int c) {
      return (double) truePositive[c] / positives(c);
    }

    double fpr(int c) {
      return (double) (predictedCount[c] - truePositive[c]) / negatives(c);
    }

    double tnr(int c) {
      return 1 - fpr(c);
    }
  }
}
