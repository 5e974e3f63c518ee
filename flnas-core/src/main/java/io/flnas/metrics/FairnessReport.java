package io.flnas.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Fairness of a model's predictions on one labelled split: overall accuracy, per-group accuracy and
 * counts, and the four gaps of DESIGN.md, each a fraction in [0, 1], lower is fairer.
 *
 * @param unfairness mean over non-empty groups of |Acc_g - Acc_overall|
 * @param eodd equalized odds: mean over group pairs of the class-mean of max(|dTPR|, |dFPR|)
 * @param eopp1 equal opportunity on positives: mean over pairs of the class-mean of |dTPR|
 * @param eopp2 equal opportunity on negatives: mean over pairs of the class-mean of |dTNR|
 */
public record FairnessReport(
    int samples,
    double accuracy,
    List<GroupAccuracy> groups,
    double unfairness,
    double eodd,
    double eopp1,
    double eopp2) {
  public FairnessReport {
    groups = List.copyOf(groups);
  }

  /** The group with the lowest accuracy: the worst-served group. */
  public Optional<GroupAccuracy> worstGroup() {
    return groups.stream().min(Comparator.comparingDouble(GroupAccuracy::accuracy));
  }

  /** One line per group: {@code sex=female: 71.2% (n=140)}. */
  public String groupsText() {
    StringBuilder text = new StringBuilder();
    for (GroupAccuracy g : groups) {
      if (!text.isEmpty()) {
        text.append(", ");
      }
      text.append(
          String.format(
              "%s=%s %.1f%% (n=%d)", g.attribute(), g.group(), 100 * g.accuracy(), g.count()));
    }
    return text.toString();
  }
}
