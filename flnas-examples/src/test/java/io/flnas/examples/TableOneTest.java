package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.examples.report.TableOne;
import io.flnas.metrics.Bootstrap;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Baselines;
import io.flnas.search.Trial;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TableOneTest {
  private static final int N = 60;
  private static final int[] LABELS = new int[N];
  private static final List<GroupColumn> GROUPS;

  static {
    int[] sex = new int[N];
    for (int i = 0; i < N; i++) {
      LABELS[i] = i % 2;
      sex[i] = (i / 2) % 2;
    }
    GROUPS = List.of(new GroupColumn("sex", List.of("male", "female"), sex));
  }

  /** Predictions right on the first {@code right} samples, wrong on the rest. */
  private static Evaluation evaluation(int right) {
    int[] predictions = new int[N];
    for (int i = 0; i < N; i++) {
      predictions[i] = i < right ? LABELS[i] : 1 - LABELS[i];
    }
    FairnessReport f = FairnessMetrics.compute(2, LABELS, predictions, GROUPS);
    return new Evaluation(
        new SplitMetrics(0.5, f.accuracy()),
        new SplitMetrics(0.5, f.accuracy()),
        new SplitMetrics(0.5, f.accuracy()),
        1,
        1,
        f,
        f,
        new HardwareReport(1000, 1000, 1, 1, 1, 1, 500, "test"),
        Optional.empty(),
        Arrays.stream(predictions).boxed().toList(),
        Optional.of(Bootstrap.intervals(2, LABELS, predictions, GROUPS, 200, 1)));
  }

  private static Trial trial(Evaluation e) {
    return new Trial(
        1,
        "test",
        Optional.of(ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2)),
        Trial.Status.COMPLETED,
        Optional.of(e),
        Optional.empty(),
        OptionalInt.empty(),
        List.of(),
        0);
  }

  private static TableOne table(int baselineRight, int searchedRight) {
    Baselines.Baseline baseline =
        new Baselines.Baseline(
            "base",
            ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2),
            evaluation(baselineRight));
    return TableOne.of(
        List.of(baseline),
        List.of(trial(evaluation(searchedRight))),
        new TableOne.TestSplit(2, LABELS, GROUPS, 500, 3));
  }

  @Test
  void a_model_significantly_more_accurate_than_every_baseline_gets_the_arrow_and_the_star() {
    TableOne table = table(30, 58);
    TableOne.Row searched = table.rows().get(1);

    assertThat(table.beatsEveryBaseline(searched, 1)).isTrue();
    assertThat(table.differsFromEveryBaseline(searched, 1)).isTrue();
    assertThat(table.toText()).contains("96.67 [", "↑ *");
    assertThat(table.toMarkdown()).contains("↑ \\*");
  }

  /**
   * Where the evaluator could not measure the model's memory (a GPU, no {@code mallinfo2}, an
   * {@code LD_PRELOAD} allocator) the row shows the analytic figure and says so, in both
   * renderings.
   */
  @Test
  void a_row_whose_memory_was_not_measured_says_analytic() {
    Evaluation measured = evaluation(40);
    Evaluation analytic =
        measured.toBuilder().hardware(measured.hardware().withModelMemoryMb(Double.NaN)).build();
    Baselines.Baseline baseline =
        new Baselines.Baseline(
            "base", ReferenceArchitectures.smallCnn(Shape.image(3, 8, 8), 2), measured);
    TableOne table = TableOne.of(List.of(baseline), List.of(trial(analytic)));

    assertThat(table.rows().get(0).memoryMeasured()).isTrue();
    assertThat(table.rows().get(1).memoryMeasured()).isFalse();
    assertThat(table.rows().get(1).memoryMb()).isEqualTo(measured.hardware().analyticMemoryMb());
    String[] lines = table.toText().split("\n");
    assertThat(lines[2]).startsWith("base").doesNotContain("analytic");
    assertThat(lines[3]).startsWith("FL-NAS #1").contains("1.0 (analytic)");
    assertThat(table.toMarkdown()).contains("| 1.0 (analytic) |");
    assertThat(TableOne.NOTE).contains("marked (analytic)");
  }

  @Test
  void a_model_significantly_worse_or_barely_better_gets_no_star() {
    TableOne worse = table(58, 30);
    TableOne close = table(40, 41);

    assertThat(worse.differsFromEveryBaseline(worse.rows().get(1), 1)).isFalse();
    assertThat(close.beatsEveryBaseline(close.rows().get(1), 1)).isTrue();
    assertThat(close.differsFromEveryBaseline(close.rows().get(1), 1)).isFalse();
    assertThat(worse.toText()).doesNotContainPattern("\\] ([↑↓] )?\\*");
  }

  @Test
  void every_printed_interval_holds_the_figure_beside_it_and_the_note_names_the_figures() {
    TableOne table = table(30, 45);
    java.util.regex.Matcher cell =
        java.util.regex.Pattern.compile("(\\d+\\.\\d+) \\[(\\d+\\.\\d+), (\\d+\\.\\d+)\\]")
            .matcher(table.toText());

    int cells = 0;
    while (cell.find()) {
      double figure = Double.parseDouble(cell.group(1));
      assertThat(figure)
          .as(cell.group())
          .isBetween(Double.parseDouble(cell.group(2)), Double.parseDouble(cell.group(3)));
      cells++;
    }
    assertThat(cells).isEqualTo(10); // two rows of five figures
    assertThat(table.toText()).contains("plug-in figures", "always holding it");
  }
}
