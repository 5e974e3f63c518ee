package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.examples.report.Plots;
import io.flnas.examples.report.TableOne;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A third sensitive attribute, Fitzpatrick skin type, is data: no library change needed. */
class CustomAttributeTest {
  @TempDir Path dir;

  @Test
  void a_skin_type_column_shows_its_groups_in_the_report_the_prompt_table_one_and_the_plot()
      throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(600).imageSize(8).seed(5).generate();
    int[] fitzpatrick = IntStream.range(0, data.test().count()).map(i -> i % 6).toArray();
    // a model that is wrong on half of the darkest skin type, right elsewhere
    int[] labels = data.test().labels();
    int[] predictions =
        IntStream.range(0, labels.length)
            .map(i -> i % 12 == 5 ? (labels[i] + 1) % 8 : labels[i])
            .toArray();

    // docs/library.md: custom attribute
    GroupColumn skinType =
        new GroupColumn("skin_type", List.of("I", "II", "III", "IV", "V", "VI"), fitzpatrick);
    Split test = data.test().withGroup(skinType); // sex, age and skin type
    FairnessReport fairness =
        FairnessMetrics.compute(data.numClasses(), test.labels(), predictions, test.groups());
    // end docs/library.md

    // the fairness report: six more groups, the darkest the worst served, a larger gap
    assertThat(fairness.groups())
        .filteredOn(g -> g.attribute().equals("skin_type"))
        .extracting(GroupAccuracy::group)
        .containsExactly("I", "II", "III", "IV", "V", "VI");
    assertThat(fairness.worstGroup())
        .map(g -> g.attribute() + "=" + g.group())
        .contains("skin_type=VI");
    FairnessReport sexAndAge =
        FairnessMetrics.compute(data.numClasses(), labels, predictions, data.test().groups());
    assertThat(fairness.eodd()).isGreaterThan(0);
    assertThat(fairness.unfairness()).isNotEqualTo(sexAndAge.unfairness());

    // the prompt's metrics paragraph
    Evaluation evaluation =
        new Evaluation(
            new SplitMetrics(0.1, 1),
            new SplitMetrics(0.2, fairness.accuracy()),
            new SplitMetrics(0.2, fairness.accuracy()),
            1,
            1,
            fairness,
            fairness,
            new HardwareReport(1000, 1000, 1, 1, 1, 1, 1, "test"),
            Optional.empty(),
            Arrays.stream(predictions).boxed().toList(),
            Optional.empty());
    assertThat(evaluation.metricsParagraph()).contains("skin_type=I 100.0%", "skin_type=VI");

    // Table I: its figures are over all three attributes, its worst group is a skin type
    Trial trial =
        new Trial(
            1,
            "test",
            Optional.of(ReferenceArchitectures.smallCnn(data.input(), 8)),
            Trial.Status.COMPLETED,
            Optional.of(evaluation),
            Optional.empty(),
            OptionalInt.empty(),
            List.of(),
            0);
    TableOne table =
        TableOne.of(
            List.of(),
            List.of(trial),
            new TableOne.TestSplit(data.numClasses(), labels, test.groups(), 100, 1));
    assertThat(table.toText())
        .contains(String.format("%.4f", fairness.unfairness()), "skin_type=VI");
    assertThat(table.rows().get(0).worstGroup()).map(GroupAccuracy::group).contains("VI");

    // the per-group plot
    Plots.groups(dir, evaluation, "best", Optional.empty());
    assertThat(Files.size(dir.resolve(Plots.GROUPS))).isPositive();
    List<Object> categories =
        List.copyOf(
            Plots.groupsChart(evaluation, "best", Optional.empty())
                .getSeriesMap()
                .get("best")
                .getXData());
    assertThat(categories).contains("sex=male", "age=old", "skin_type=I", "skin_type=VI");
  }
}
