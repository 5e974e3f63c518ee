package io.flnas.djl.data;

import io.flnas.metrics.GroupColumn;
import java.util.List;

/**
 * The paper's sensitive attributes, as the ISIC 2019 and synthetic datasets carry them: sex (male,
 * female) and age in three bands (young &lt; 30, middle 30-65, old &gt; 65). They are data of these
 * datasets, not of the library: a dataset of your own builds its {@link Split} with whichever
 * {@link GroupColumn}s it has.
 */
public final class PaperAttributes {
  /** Name of the sex attribute. */
  public static final String SEX = "sex";

  /** Groups of the sex attribute: male (0), female (1). */
  public static final List<String> SEX_GROUPS = List.of("male", "female");

  /** Name of the age attribute. */
  public static final String AGE = "age";

  /** Groups of the age attribute: young (0), middle (1), old (2). */
  public static final List<String> AGE_GROUPS = List.of("young", "middle", "old");

  /** The two attributes as a prompt describes them. */
  static final String DESCRIPTION =
      "sensitive attributes sex (male, female) and age (young < 30, middle 30-65, old > 65)";

  private PaperAttributes() {}

  /** Age group index of an age in years: young &lt; 30 &lt;= middle &lt;= 65 &lt; old. */
  public static int ageGroup(double age) {
    if (Double.isNaN(age)) {
      return GroupColumn.UNKNOWN;
    }
    return age < 30 ? 0 : age <= 65 ? 1 : 2;
  }

  /** The sex column of per-sample group indices ({@link GroupColumn#UNKNOWN} where unknown). */
  public static GroupColumn sex(int[] membership) {
    return new GroupColumn(SEX, SEX_GROUPS, membership);
  }

  /** The age column of per-sample age group indices ({@link #ageGroup}). */
  public static GroupColumn age(int[] membership) {
    return new GroupColumn(AGE, AGE_GROUPS, membership);
  }
}
