package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.djl.data.PaperAttributes;
import io.flnas.djl.data.Split;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.GroupColumn;
import org.junit.jupiter.api.Test;

class PaperAttributesTest {
  @Test
  void age_groups_follow_the_paper_boundaries() {
    assertThat(PaperAttributes.ageGroup(25)).isEqualTo(0);
    assertThat(PaperAttributes.ageGroup(30)).isEqualTo(1);
    assertThat(PaperAttributes.ageGroup(65)).isEqualTo(1);
    assertThat(PaperAttributes.ageGroup(70)).isEqualTo(2);
    assertThat(PaperAttributes.ageGroup(Double.NaN)).isEqualTo(GroupColumn.UNKNOWN);
  }

  @Test
  void the_synthetic_splits_carry_sex_and_age_as_group_columns_and_take_one_more() {
    Split test = SyntheticLesions.builder().size(100).imageSize(8).seed(1).generate().test();

    Split withSite =
        test.withGroup(
            new GroupColumn("site", java.util.List.of("head", "trunk"), new int[test.count()]));

    assertThat(test.groups()).extracting(GroupColumn::attribute).containsExactly("sex", "age");
    assertThat(withSite.group("site")).isPresent();
    assertThat(withSite.groups()).hasSize(3);
  }
}
