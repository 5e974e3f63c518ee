package io.flnas.bench;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.search.Problem;
import io.flnas.space.ChoiceSpace;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tabular benchmark: a {@link ChoiceSpace}, the data its networks were trained on (input and
 * classes), and for every network of the space its search signal (validation accuracy, %), its test
 * accuracy (%, only reported) and its measured latency per device (ms), when the table has them.
 * Immutable; the arrays are indexed by {@link ChoiceSpace#index}.
 *
 * <p>The ready-made ones, with their sources, are in {@link TabularBenchmarks}.
 */
public final class TabularBenchmark {
  private final String name;
  private final ChoiceSpace space;
  private final Problem problem;
  private final float[] signal;
  private final float[] test;
  private final Map<String, float[]> latencyMs;
  private final String signalColumn;
  private final String testColumn;
  private final List<Reference> references;

  TabularBenchmark(
      String name,
      ChoiceSpace space,
      Problem problem,
      float[] signal,
      float[] test,
      Map<String, float[]> latencyMs,
      String signalColumn,
      String testColumn,
      List<Reference> references) {
    Preconditions.checkArgument(
        signal.length == space.size() && test.length == space.size(),
        "%s: the table must hold all %s networks of %s, but holds %s",
        name,
        space.size(),
        space,
        signal.length);
    this.name = name;
    this.space = space;
    this.problem = problem;
    this.signal = signal;
    this.test = test;
    this.latencyMs = Map.copyOf(latencyMs);
    this.signalColumn = signalColumn;
    this.testColumn = testColumn;
    this.references = List.copyOf(references);
  }

  /** The name used on the command line, e.g. {@code nb201-cifar10}. */
  public String name() {
    return name;
  }

  public ChoiceSpace space() {
    return space;
  }

  /** The task the networks were trained on (input shape and classes), for a search's builder. */
  public Problem problem() {
    return problem;
  }

  /** The devices with a measured latency, e.g. {@code pixel3}; empty where the table has none. */
  public List<String> devices() {
    return latencyMs.keySet().stream().sorted().toList();
  }

  /** The table's row of an architecture of the space; empty when it is not one. */
  public Optional<Row> row(Architecture architecture) {
    return space.choices(architecture).map(choices -> row(space.index(choices)));
  }

  /** The row at {@code index} ({@link ChoiceSpace#index}). */
  public Row row(long index) {
    int i = Math.toIntExact(index);
    Map<String, Double> latency = new java.util.TreeMap<>();
    latencyMs.forEach((device, values) -> latency.put(device, (double) values[i]));
    return new Row(index, signal[i], test[i], latency);
  }

  /** The column that is the search signal, e.g. {@code cifar10_val}. */
  public String signalColumn() {
    return signalColumn;
  }

  /** The column that is reported, e.g. {@code cifar10_test}. */
  public String testColumn() {
    return testColumn;
  }

  /** Published results on this table to compare with. */
  public List<Reference> references() {
    return references;
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * One network's figures.
   *
   * @param signal validation accuracy in %, what a search sees
   * @param test test accuracy in %, what is reported for the network a search chose
   * @param latencyMs measured latency per device in ms (empty where the table has none)
   */
  public record Row(long index, double signal, double test, Map<String, Double> latencyMs) {}

  /**
   * A published result on this table: who, with how many queries, mean and standard deviation of
   * the test accuracy of the chosen network, and where it was published.
   */
  public record Reference(String method, int queries, double mean, double std, String source) {
    @Override
    public String toString() {
      return String.format("%s %.2f±%.2f at %d queries (%s)", method, mean, std, queries, source);
    }
  }

  static Shape cifar() {
    return Shape.image(3, 32, 32);
  }
}
