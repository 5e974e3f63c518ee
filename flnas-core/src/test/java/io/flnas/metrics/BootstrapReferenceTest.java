package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link Bootstrap#intervals} with a reference computed outside the project: {@code
 * bootstrap_reference.py} beside the fixture computes the figures with its own NumPy code and the
 * interval's quantile with {@code scipy.stats.bootstrap} (20,000 resamples), on a fixed split of
 * 140 predictions. The bounds must agree within four Monte Carlo standard deviations, which the
 * script measured and wrote into the fixture.
 */
class BootstrapReferenceTest {
  private static final List<String> ATTRIBUTES = List.of("sex", "age");
  private static final Map<String, List<String>> GROUPS =
      Map.of("sex", List.of("male", "female"), "age", List.of("young", "middle", "old"));

  @Test
  void intervals_agree_with_scipy_within_the_resampling_tolerance() throws IOException {
    JsonNode fixture = fixture();
    int[] labels = ints(fixture.get("labels"));
    int[] predictions = ints(fixture.get("predictions"));
    List<GroupColumn> groups = new ArrayList<>();
    for (String attribute : ATTRIBUTES) {
      groups.add(
          new GroupColumn(
              attribute, GROUPS.get(attribute), ints(fixture.get("groups").get(attribute))));
    }
    int classes = fixture.get("classes").asInt();

    FairnessReport report = FairnessMetrics.compute(classes, labels, predictions, groups);
    FairnessIntervals intervals =
        Bootstrap.intervals(
            classes, labels, predictions, groups, fixture.get("resamples").asInt(), 17);

    List<Double> figures =
        List.of(
            report.accuracy(), report.unfairness(), report.eodd(), report.eopp1(), report.eopp2());
    for (int f = 0; f < FairnessIntervals.FIGURES.size(); f++) {
      String name = FairnessIntervals.FIGURES.get(f);
      assertThat(figures.get(f))
          .as(name)
          .isCloseTo(fixture.get("figures").get(name).asDouble(), within(1e-12));
      Interval mine = intervals.byFigure().get(name);
      JsonNode reference = fixture.get("intervals").get(name);
      JsonNode tolerance = fixture.get("tolerance").get(name);
      assertThat(mine.lower())
          .as(name + " lower bound")
          .isCloseTo(reference.get(0).asDouble(), within(tolerance.get(0).asDouble() + 1e-9));
      assertThat(mine.upper())
          .as(name + " upper bound")
          .isCloseTo(reference.get(1).asDouble(), within(tolerance.get(1).asDouble() + 1e-9));
      assertThat(mine.contains(figures.get(f))).as(name + " holds its figure").isTrue();
    }
  }

  private static JsonNode fixture() throws IOException {
    try (InputStream in =
        BootstrapReferenceTest.class.getResourceAsStream("bootstrap_reference.json")) {
      assertThat(in).as("bootstrap_reference.json on the test classpath").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }
}
