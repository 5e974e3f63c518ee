package io.flnas.metrics;

import com.google.common.base.Preconditions;
import java.util.List;

/**
 * One sensitive attribute of a labelled split: its name ({@code "sex"}), the names of its groups
 * ({@code male, female}), and for each sample the index of its group, or {@link #UNKNOWN}.
 *
 * <p>Attributes are data: a dataset brings whichever columns it has (the paper's sex and age bands
 * live with the ISIC and synthetic datasets in {@code flnas-djl}; a user's dataset may bring skin
 * type or site), and the fairness metrics, tables and plots work over all of them.
 *
 * <pre>{@code
 * GroupColumn skinType = new GroupColumn("skin_type",
 *     List.of("I", "II", "III", "IV", "V", "VI"), fitzpatrick);
 * }</pre>
 */
public record GroupColumn(String attribute, List<String> groups, int[] membership) {
  /** Group index of a sample whose attribute value is unknown. */
  public static final int UNKNOWN = -1;

  public GroupColumn {
    Preconditions.checkArgument(
        attribute != null && !attribute.isBlank(), "attribute must not be blank");
    Preconditions.checkArgument(
        groups != null && !groups.isEmpty(), "groups of %s must not be empty", attribute);
    groups = List.copyOf(groups);
    membership = membership.clone();
    for (int i = 0; i < membership.length; i++) {
      Preconditions.checkArgument(
          membership[i] >= UNKNOWN && membership[i] < groups.size(),
          "sample %s has group index %s for attribute %s with %s groups",
          i,
          membership[i],
          attribute,
          groups.size());
    }
  }

  @Override
  public int[] membership() {
    return membership.clone();
  }

  int groupOf(int sample) {
    return membership[sample];
  }

  int size() {
    return membership.length;
  }

  /** The column of the chosen samples, in the order given (for taking a split's rows). */
  public GroupColumn select(int[] samples) {
    int[] chosen = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      chosen[i] = membership[samples[i]];
    }
    return new GroupColumn(attribute, groups, chosen);
  }
}
