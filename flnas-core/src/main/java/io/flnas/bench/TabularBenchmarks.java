package io.flnas.bench;

import io.flnas.FlNasException;
import io.flnas.arch.Shape;
import io.flnas.bench.TabularBenchmark.Reference;
import io.flnas.search.Problem;
import io.flnas.space.ChoiceSpace;
import io.flnas.space.NasBench201Space;
import io.flnas.space.NasBenchMacroSpace;
import io.flnas.space.SearchSpaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The ready-made tabular benchmarks, read from the tables in this module's resources (see {@code
 * io/flnas/bench/README.md} for their sources and columns) on first use and kept.
 *
 * <ul>
 *   <li>{@code nb201-cifar10}, {@code nb201-cifar100}, {@code nb201-imagenet16}: NAS-Bench-201's
 *       15,625 cells; signal {@code <dataset>_val}, reported {@code <dataset>_test}, latency on
 *       {@code pixel3, raspi4, eyeriss, fpga, titan_rtx_1, titan_rtx_256, gold_6226, 1080ti_1};
 *   <li>{@code macro-cifar10}: NAS-Bench-Macro's 6,561 networks; the table has no validation split,
 *       so the signal is the first of its three trainings ({@code test_acc_run1}, one noisy
 *       training as a search would see it) and the reported figure their mean ({@code
 *       mean_test_acc}).
 * </ul>
 */
public final class TabularBenchmarks {
  /** Every name {@link #byName} accepts. */
  public static final List<String> NAMES =
      List.of("nb201-cifar10", "nb201-cifar100", "nb201-imagenet16", "macro-cifar10");

  private static final String NB201 = "nasbench201.csv.gz";
  private static final String MACRO = "nasbench_macro_cifar10.csv.gz";
  private static final String GENIUS = "GENIUS, Zheng et al. 2023";
  private static final String NB201_PAPER = "NAS-Bench-201 paper, 500 runs, its time budget";
  private static final String REPRODUCED = "independent implementation, 300 seeds";
  private static final Map<String, TabularBenchmark> LOADED = new ConcurrentHashMap<>();

  private TabularBenchmarks() {}

  /**
   * One of {@link #NAMES}.
   *
   * @throws IllegalArgumentException naming the unknown benchmark and the known ones
   */
  public static TabularBenchmark byName(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; expected one of " + NAMES);
    }
    return LOADED.computeIfAbsent(name, TabularBenchmarks::load);
  }

  public static TabularBenchmark nb201Cifar10() {
    return byName("nb201-cifar10");
  }

  public static TabularBenchmark nb201Cifar100() {
    return byName("nb201-cifar100");
  }

  public static TabularBenchmark nb201ImageNet16() {
    return byName("nb201-imagenet16");
  }

  public static TabularBenchmark macroCifar10() {
    return byName("macro-cifar10");
  }

  private static TabularBenchmark load(String name) {
    return switch (name) {
      case "nb201-cifar10" ->
          nb201(
              name,
              "cifar10",
              TabularBenchmark.cifar(),
              10,
              "CIFAR-10",
              List.of(
                  new Reference("GPT-4", 10, 93.79, 0.09, GENIUS),
                  new Reference("regularized evolution", 50, 93.80, 0.38, REPRODUCED),
                  new Reference("regularized evolution", 100, 94.05, 0.29, REPRODUCED),
                  new Reference("random search", 50, 93.61, Double.NaN, REPRODUCED),
                  new Reference("random search", 100, 93.80, Double.NaN, REPRODUCED),
                  new Reference("regularized evolution", 0, 93.92, 0.30, NB201_PAPER),
                  new Reference("random search", 0, 93.70, 0.36, NB201_PAPER)));
      case "nb201-cifar100" ->
          nb201(
              name,
              "cifar100",
              TabularBenchmark.cifar(),
              100,
              "CIFAR-100",
              List.of(new Reference("GPT-4", 10, 70.91, 0.72, GENIUS)));
      case "nb201-imagenet16" ->
          nb201(
              name,
              "imagenet16",
              Shape.image(3, 16, 16),
              120,
              "ImageNet16-120",
              List.of(new Reference("GPT-4", 10, 44.96, 1.02, GENIUS)));
      default -> macro(name);
    };
  }

  private static TabularBenchmark nb201(
      String name,
      String dataset,
      Shape input,
      int classes,
      String title,
      List<Reference> references) {
    NasBench201Space space = SearchSpaces.nasBench201();
    int n = Math.toIntExact(space.size());
    float[] signal = new float[n];
    float[] test = new float[n];
    Map<String, float[]> latency = new LinkedHashMap<>();
    read(
        NB201,
        space,
        record -> Math.toIntExact(space.index(NasBench201Space.parse(record.get("arch")))),
        (record, i) -> {
          signal[i] = number(record, dataset + "_val");
          test[i] = number(record, dataset + "_test");
          for (String column : record.getParser().getHeaderNames()) {
            if (column.startsWith("latency_ms_")) {
              latency
                      .computeIfAbsent(column.substring("latency_ms_".length()), k -> new float[n])[
                      i] =
                  number(record, column);
            }
          }
        });
    return new TabularBenchmark(
        name,
        space,
        new Problem(title + " (NAS-Bench-201)", input, classes),
        signal,
        test,
        latency,
        dataset + "_val",
        dataset + "_test",
        references);
  }

  private static TabularBenchmark macro(String name) {
    NasBenchMacroSpace space = SearchSpaces.nasBenchMacro();
    int n = Math.toIntExact(space.size());
    float[] signal = new float[n];
    float[] test = new float[n];
    read(
        MACRO,
        space,
        record -> Math.toIntExact(space.index(NasBenchMacroSpace.parse(record.get("arch")))),
        (record, i) -> {
          signal[i] = number(record, "test_acc_run1");
          test[i] = number(record, "mean_test_acc");
        });
    return new TabularBenchmark(
        name,
        space,
        new Problem("CIFAR-10 (NAS-Bench-Macro)", TabularBenchmark.cifar(), 10),
        signal,
        test,
        Map.of(),
        "test_acc_run1",
        "mean_test_acc",
        List.of());
  }

  private interface RowReader {
    void read(CSVRecord record, int index);
  }

  private static void read(
      String resource, ChoiceSpace space, ToIntFunction<CSVRecord> index, RowReader reader) {
    boolean[] seen = new boolean[Math.toIntExact(space.size())];
    try (InputStream raw = TabularBenchmarks.class.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new FlNasException("benchmark table " + resource + " is missing from the class path");
      }
      try (Reader text = new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8);
          CSVParser parser =
              CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(text)) {
        for (CSVRecord record : parser) {
          int i;
          try {
            i = index.applyAsInt(record);
          } catch (IllegalArgumentException e) {
            throw new FlNasException(
                resource + " row " + record.getRecordNumber() + ": " + e.getMessage(), e);
          }
          if (seen[i]) {
            throw new FlNasException(
                resource
                    + " row "
                    + record.getRecordNumber()
                    + ": architecture "
                    + record.get("arch")
                    + " appears twice");
          }
          seen[i] = true;
          reader.read(record, i);
        }
      }
    } catch (IOException e) {
      throw new FlNasException(
          "cannot read benchmark table " + resource + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        throw new FlNasException(
            resource
                + " lacks architecture "
                + ChoiceSpace.text(space.choicesAt(i))
                + " of "
                + space);
      }
    }
  }

  private static float number(CSVRecord record, String column) {
    String value = record.get(column);
    try {
      return Float.parseFloat(value);
    } catch (NumberFormatException e) {
      throw new FlNasException(
          "row "
              + record.getRecordNumber()
              + ", column "
              + column
              + ": not a number: '"
              + value
              + "'",
          e);
    }
  }
}
