package io.flnas.metrics;

import com.google.common.base.Preconditions;
import java.util.List;

/**
 * One sensitive attribute of a labelled split: its name ({@code "sex"}), the names of its groups
 * ({@code male, female}), and for each sample the index of its group, or {@link #UNKNOWN}.
 */
public record GroupColumn(String attribute, List<String> groups, int[] membership) {
  /** Group index of a sample whose attribute value is unknown. */
  public static final int UNKNOWN = -1;

  public GroupColumn {
    Preconditions.checkArgument(attribute != null && !attribute.isBlank(),
        "attribute must not be blank");
    Preconditions.checkArgument(groups != null && !groups.isEmpty(),
        "groups of %s must not be empty", attribute);
    groups = List.copyOf(groups);
    membership = membership.clone();
    for (int i = 0; i < membership.length; i++) {
      Preconditions.checkArgument(membership[i] >= UNKNOWN && membership[i] < groups.size(),
          "sample %s has group index %s for attribute %s with %s groups", i, membership[i],
          attribute, groups.size());
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

  /** The paper's sex attribute: male (0), female (1). */
  public static final List<String> SEX = List.of("male", "female");

  /** The paper's age attribute: young (&lt; 30), middle (30-65), old (&gt; 65). */
  public static final List<String> AGE = List.of("young", "middle", "old");

  /** Age group index of an age in years: young &lt; 30 &lt;= middle &lt;= 65 &lt; old. */
  public static int ageGroup(double age) {
    if (Double.isNaN(age)) {
      return UNKNOWN;
    }
    return age < 30 ? 0 : age <= 65 ? 1 : 2;
  }
}
