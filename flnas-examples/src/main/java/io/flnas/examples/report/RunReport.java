package io.flnas.examples.report;

import io.flnas.arch.ArchitectureJson;
import io.flnas.metrics.Bootstrap;
import io.flnas.search.Baselines;
import io.flnas.search.Search;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.rank.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run folder's report kept live: report.md, report.html, the PNG plots and
 * best-architecture.json are rewritten after every finished trial, each atomically (written beside
 * and renamed, see {@link AtomicFiles}), so a browser or a reader never sees half a file. While the
 * search runs the report says "running: n of N trials" with the time of the last update; {@link
 * #finish} writes the final one. As a {@link SearchListener} it follows the search by itself.
 */
public final class RunReport implements SearchListener {
  private final Path dir;
  private final Map<String, String> configuration;
  private final List<Baselines.Baseline> baselines;
  private final Search search;
  private final TableOne.TestSplit split;
  private final Clock clock;
  private final List<Metric> metrics;
  private final List<Trial> history = new ArrayList<>();

  /** A report that knows no extra metric's direction: extra values are shown unmarked. */
  public RunReport(
      Path dir,
      Map<String, String> configuration,
      List<Baselines.Baseline> baselines,
      Search search,
      TableOne.TestSplit split,
      Clock clock) {
    this(dir, configuration, baselines, search, split, clock, List.of());
  }

  /**
   * @param search the search whose trials this report follows (its objective, target, Pareto
   *     metrics and iteration count); it runs them with this report among its listeners, which a
   *     program that builds the search before the report binds after the build
   * @param split the test split for Table I's significance markers; null for none
   * @param metrics metrics whose direction Table I and the extra values' plots should know (an
   *     evaluator's {@code energy_mj}, say); every extra value is shown either way
   */
  public RunReport(
      Path dir,
      Map<String, String> configuration,
      List<Baselines.Baseline> baselines,
      Search search,
      TableOne.TestSplit split,
      Clock clock,
      List<Metric> metrics) {
    this.dir = dir;
    // in the order given: the report lists it as it comes
    this.configuration =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configuration));
    this.baselines = List.copyOf(baselines);
    this.search = search;
    this.split = split;
    this.clock = clock;
    this.metrics = List.copyOf(metrics);
  }

  @Override
  public void searchStarted(int maxIterations, List<Trial> restored) {
    history.clear();
    history.addAll(restored);
    writeRunning();
  }

  @Override
  public void trialFinished(Trial trial, Optional<Trial> best) {
    history.add(trial);
    writeRunning();
  }

  private void writeRunning() {
    String status =
        String.format(
            "running: %d of %d trials, updated %s",
            history.size(),
            search.maxIterations(),
            LocalTime.now(clock)
                .truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_TIME));
    SearchResult soFar = search.result(history, Optional.empty());
    try {
      write(soFar, table(soFar), status, "", "");
    } catch (IOException e) {
      throw new UncheckedIOException("could not rewrite the report in " + dir, e);
    }
  }

  /** Table I of the result: the baselines and the top three searched trials. */
  public TableOne table(SearchResult result) {
    List<Trial> top =
        search.objective().rank(result.history(), search.target()).stream().limit(3).toList();
    return (split == null ? TableOne.of(baselines, top) : TableOne.of(baselines, top, split))
        .withMetrics(metrics);
  }

  /** Writes the final report of a finished search, with its Table I ({@link #table}). */
  public void finish(SearchResult result, TableOne table, String exportNote, String elapsed)
      throws IOException {
    write(result, table, "", exportNote, elapsed);
  }

  private void write(
      SearchResult result, TableOne table, String status, String exportNote, String elapsed)
      throws IOException {
    Plots.scatter(dir, result.history(), baselines);
    Plots.progress(dir, result.history(), search.objective(), search.target());
    Plots.extras(dir, result.history(), metrics);
    Optional<Baselines.Baseline> bestBaseline =
        baselines.stream()
            .filter(b -> b.evaluation().succeeded())
            .max(Comparator.comparingDouble(b -> b.evaluation().test().accuracy()));
    if (result.best().isPresent()) {
      Trial best = result.best().get();
      Plots.groups(
          dir, best.result(), "FL-NAS best (trial " + best.iteration() + ")", bestBaseline);
      AtomicFiles.write(
          dir.resolve("best-architecture.json"),
          ArchitectureJson.writePretty(best.architecture().orElseThrow()));
    }
    Report.write(
        dir,
        new Report.Content(configuration, table, result, baselines, elapsed, exportNote, status));
  }

  /** The default bootstrap settings of a run's Table I. */
  public static TableOne.TestSplit split(
      int numClasses, int[] labels, List<io.flnas.metrics.GroupColumn> groups, long seed) {
    return new TableOne.TestSplit(numClasses, labels, groups, Bootstrap.DEFAULT_RESAMPLES, seed);
  }
}
