package io.flnas.metrics;

import java.util.Arrays;

/**
 * The signed terms the four gaps of {@link FairnessMetrics} average, in a layout fixed by the
 * attributes alone (every group and every pair of groups has a slot, empty or not), so that the
 * terms of a bootstrap resample line up with those of the split it was drawn from. A term is NaN
 * where DESIGN.md leaves it undefined: a group gap for an empty group; a TPR difference where a
 * group of the pair has no positive of the class; an FPR or TNR difference where one has no
 * negative.
 *
 * <p>{@link #figures} aggregates them exactly as DESIGN.md defines the figures (absolute values,
 * class means per pair, pair means, group mean); {@link #deviations} aggregates the absolute
 * differences to another set of terms in the same way, which {@link Bootstrap} uses to bound how
 * far a figure can be from its population value.
 */
final class SignedGaps {
  /** Overall accuracy. */
  final double accuracy;

  /** Acc_g - Acc_overall per group slot (all groups of all attributes, in order). */
  final double[] groupGaps;

  /** Per pair slot, per class: TPR_a - TPR_b, FPR_a - FPR_b, TNR_a - TNR_b. */
  final double[][] tpr;

  final double[][] fpr;
  final double[][] tnr;

  private SignedGaps(
      double accuracy, double[] groupGaps, double[][] tpr, double[][] fpr, double[][] tnr) {
    this.accuracy = accuracy;
    this.groupGaps = groupGaps;
    this.tpr = tpr;
    this.fpr = fpr;
    this.tnr = tnr;
  }

  /** Inputs are checked by {@link FairnessMetrics#compute}. */
  static SignedGaps of(
      int numClasses,
      int[] labels,
      int[] predictions,
      java.util.List<GroupColumn> attributes,
      java.util.List<GroupAccuracy> groupsOut) {
    int n = labels.length;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      correct += labels[i] == predictions[i] ? 1 : 0;
    }
    double overall = n == 0 ? 0 : (double) correct / n;
    int groupSlots = 0;
    int pairSlots = 0;
    for (GroupColumn column : attributes) {
      int g = column.groups().size();
      groupSlots += g;
      pairSlots += g * (g - 1) / 2;
    }
    double[] groupGaps = new double[groupSlots];
    double[][] tpr = new double[pairSlots][numClasses];
    double[][] fpr = new double[pairSlots][numClasses];
    double[][] tnr = new double[pairSlots][numClasses];
    int slot = 0;
    int pair = 0;
    for (GroupColumn column : attributes) {
      int size = column.groups().size();
      Confusion[] confusions = new Confusion[size];
      for (int g = 0; g < size; g++) {
        confusions[g] = new Confusion(numClasses);
      }
      for (int i = 0; i < n; i++) {
        int g = column.groupOf(i);
        if (g != GroupColumn.UNKNOWN) {
          confusions[g].add(labels[i], predictions[i]);
        }
      }
      for (int g = 0; g < size; g++) {
        Confusion confusion = confusions[g];
        if (confusion.count > 0) {
          groupGaps[slot] = confusion.accuracy() - overall;
          if (groupsOut != null) {
            groupsOut.add(
                new GroupAccuracy(
                    column.attribute(),
                    column.groups().get(g),
                    confusion.count,
                    confusion.accuracy()));
          }
        } else {
          groupGaps[slot] = Double.NaN;
        }
        slot++;
      }
      for (int a = 0; a < size; a++) {
        for (int b = a + 1; b < size; b++) {
          Confusion x = confusions[a];
          Confusion y = confusions[b];
          for (int c = 0; c < numClasses; c++) {
            boolean positives = x.positives(c) > 0 && y.positives(c) > 0;
            boolean negatives = x.negatives(c) > 0 && y.negatives(c) > 0;
            tpr[pair][c] = positives ? x.tpr(c) - y.tpr(c) : Double.NaN;
            fpr[pair][c] = negatives ? x.fpr(c) - y.fpr(c) : Double.NaN;
            tnr[pair][c] = negatives ? x.tnr(c) - y.tnr(c) : Double.NaN;
          }
          pair++;
        }
      }
    }
    return new SignedGaps(overall, groupGaps, tpr, fpr, tnr);
  }

  /** Accuracy, unfairness, EODD, EOPP1, EOPP2 as DESIGN.md defines them. */
  double[] figures() {
    return aggregate(null);
  }

  /**
   * Accuracy, unfairness, EODD, EOPP1 and EOPP2 aggregated from the absolute differences of these
   * terms to {@code reference}'s (the same attributes and classes): |Acc - Acc_ref|, the mean over
   * groups of |gap_g - gap_g,ref|, and so on. Where a term is defined here it is defined in the
   * split a resample came from, so the terms this has decide what enters each mean.
   */
  double[] deviations(SignedGaps reference) {
    return aggregate(reference);
  }

  private double[] aggregate(SignedGaps ref) {
    double accuracyTerm = ref == null ? accuracy : Math.abs(accuracy - ref.accuracy);
    double gapSum = 0;
    int groups = 0;
    for (int g = 0; g < groupGaps.length; g++) {
      if (!Double.isNaN(groupGaps[g])) {
        gapSum += term(groupGaps[g], ref == null ? 0 : ref.groupGaps[g]);
        groups++;
      }
    }
    int first = tpr.length == 0 || tpr[0].length != 2 ? 0 : 1;
    double[] eodd = new double[2];
    double[] eopp1 = new double[2];
    double[] eopp2 = new double[2];
    for (int p = 0; p < tpr.length; p++) {
      double tprSum = 0;
      double tnrSum = 0;
      double oddsSum = 0;
      int tprTerms = 0;
      int tnrTerms = 0;
      int oddsTerms = 0;
      for (int c = first; c < tpr[p].length; c++) {
        boolean positives = !Double.isNaN(tpr[p][c]);
        boolean negatives = !Double.isNaN(fpr[p][c]);
        double dTpr = positives ? term(tpr[p][c], ref == null ? 0 : ref.tpr[p][c]) : 0;
        if (positives) {
          tprSum += dTpr;
          tprTerms++;
        }
        if (negatives) {
          tnrSum += term(tnr[p][c], ref == null ? 0 : ref.tnr[p][c]);
          tnrTerms++;
        }
        if (positives && negatives) {
          oddsSum += Math.max(dTpr, term(fpr[p][c], ref == null ? 0 : ref.fpr[p][c]));
          oddsTerms++;
        }
      }
      accumulate(eopp1, tprSum, tprTerms);
      accumulate(eopp2, tnrSum, tnrTerms);
      accumulate(eodd, oddsSum, oddsTerms);
    }
    return new double[] {
      accuracyTerm, groups == 0 ? 0 : gapSum / groups, mean(eodd), mean(eopp1), mean(eopp2)
    };
  }

  private static double term(double value, double reference) {
    return Math.abs(value - reference);
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

  @Override
  public String toString() {
    return "SignedGaps{accuracy=" + accuracy + ", groupGaps=" + Arrays.toString(groupGaps) + "}";
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
