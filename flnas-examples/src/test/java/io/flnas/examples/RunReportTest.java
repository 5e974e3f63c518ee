package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Shape;
import io.flnas.examples.report.Plots;
import io.flnas.examples.report.Report;
import io.flnas.examples.report.RunReport;
import io.flnas.search.Problem;
import io.flnas.search.Search;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
  @TempDir Path dir;

  @Test
  void the_report_and_plots_are_rewritten_after_every_trial_and_say_how_far_the_search_is()
      throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);
    Search.Builder builder =
        Search.builder(new Problem("toy", Shape.image(3, 8, 8), 4), new CheapEvaluator())
            .designer(Designers.random())
            .space(SearchSpaces.tiny())
            .target(DeploymentTargets.unconstrained())
            .maxIterations(3)
            .seed(2);
    RunReport report =
        new RunReport(dir, Map.of("data", "toy"), List.of(), builder.build(), null, clock);
    List<String> seen = new ArrayList<>();
    List<Long> plotSizes = new ArrayList<>();
    SearchListener reader =
        new SearchListener() {
          @Override
          public void trialFinished(Trial trial, Optional<Trial> best) {
            try {
              String html = Files.readString(dir.resolve(Report.HTML));
              seen.add(html.substring(html.indexOf("running:"), html.indexOf("</strong>")));
              assertThat(html).contains("http-equiv=\"refresh\"");
              assertThat(Files.readString(dir.resolve(Report.MARKDOWN)))
                  .contains("Trial " + best.orElseThrow().iteration());
              plotSizes.add(Files.size(dir.resolve(Plots.SCATTER)));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };

    SearchResult result = builder.listener(report).listener(reader).build().run();

    assertThat(seen)
        .containsExactly(
            "running: 1 of 3 trials, updated 10:15:30",
            "running: 2 of 3 trials, updated 10:15:30",
            "running: 3 of 3 trials, updated 10:15:30");
    assertThat(plotSizes).hasSize(3).allMatch(size -> size > 0);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file is left beside the report")
          .noneMatch(name -> name.startsWith("."));
    }

    report.finish(result, report.table(result), "exported", "1s");

    String html = Files.readString(dir.resolve(Report.HTML));
    assertThat(html)
        .doesNotContain("running:")
        .doesNotContain("http-equiv=\"refresh\"")
        .contains("exported");
  }
}
