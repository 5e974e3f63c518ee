package io.flnas.metrics;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSortedMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an evaluator learned about one architecture: losses and accuracies per split, epochs
 * and training time, fairness on the validation and test splits, hardware cost, and a failure
 * reason when the trial failed (then the other figures may be missing). Selection uses the
 * validation split; the test split is only reported.
 *
 * <p>An evaluator that knows the test split's labels may also give its per-sample test predictions
 * (so reports can compare models on the same samples with a paired bootstrap) and the bootstrap
 * intervals of the test figures; both are empty otherwise.
 *
 * <p>An evaluator may add named values of its own ({@code energy_mj}, say) as {@link #extras()}:
 * objectives read them through {@code Metric.extra(name, direction)}, and the journal, the prompt's
 * metrics paragraph, Table I and the report's plots carry every one present. NaN means not
 * measured.
 *
 * <pre>{@code
 * Evaluation withEnergy = evaluation.withExtra("energy_mj", 12.5);
 * }</pre>
 *
 * @param extras named values beyond the built-in figures, sorted by name; empty by default
 */
public record Evaluation(
    SplitMetrics train,
    SplitMetrics validation,
    SplitMetrics test,
    int epochs,
    double trainingSeconds,
    FairnessReport validationFairness,
    FairnessReport testFairness,
    HardwareReport hardware,
    Optional<String> failure,
    List<Integer> testPredictions,
    Optional<FairnessIntervals> testIntervals,
    Map<String, Double> extras) {

  /** What an extra value's name must look like: a letter, then letters, digits, {@code _.-}. */
  public static final String EXTRA_NAME = "[A-Za-z][A-Za-z0-9_.-]*";

  /** An evaluation without extra values. */
  public Evaluation(
      SplitMetrics train,
      SplitMetrics validation,
      SplitMetrics test,
      int epochs,
      double trainingSeconds,
      FairnessReport validationFairness,
      FairnessReport testFairness,
      HardwareReport hardware,
      Optional<String> failure,
      List<Integer> testPredictions,
      Optional<FairnessIntervals> testIntervals) {
    this(
        train,
        validation,
        test,
        epochs,
        trainingSeconds,
        validationFairness,
        testFairness,
        hardware,
        failure,
        testPredictions,
        testIntervals,
        Map.of());
  }

  /** An evaluation without test predictions, intervals or extra values. */
  public Evaluation(
      SplitMetrics train,
      SplitMetrics validation,
      SplitMetrics test,
      int epochs,
      double trainingSeconds,
      FairnessReport validationFairness,
      FairnessReport testFairness,
      HardwareReport hardware,
      Optional<String> failure) {
    this(
        train,
        validation,
        test,
        epochs,
        trainingSeconds,
        validationFairness,
        testFairness,
        hardware,
        failure,
        List.of(),
        Optional.empty());
  }

  public Evaluation {
    Preconditions.checkArgument(
        train != null && validation != null && test != null, "split metrics must not be null");
    Preconditions.checkArgument(failure != null, "failure must not be null (use Optional.empty())");
    Preconditions.checkArgument(
        failure.isPresent()
            || (validationFairness != null && testFairness != null && hardware != null),
        "a successful evaluation needs fairness and hardware reports");
    testPredictions = List.copyOf(testPredictions);
    Preconditions.checkArgument(
        testIntervals != null, "testIntervals must not be null (use Optional.empty())");
    Preconditions.checkArgument(extras != null, "extras must not be null (use Map.of())");
    extras.forEach(
        (name, value) -> {
          Preconditions.checkArgument(
              name != null && name.matches(EXTRA_NAME),
              "extra value name must match %s, but was '%s'",
              EXTRA_NAME,
              name);
          Preconditions.checkArgument(
              value != null && !Double.isInfinite(value),
              "extra value %s must be a finite number or NaN, but was %s",
              name,
              value);
        });
    extras = ImmutableSortedMap.copyOf(extras);
  }

  /** The extra value named {@code name}, if the evaluator added it. */
  public Optional<Double> extra(String name) {
    return Optional.ofNullable(extras.get(name));
  }

  /** A copy with one more extra value (replacing one of the same name). */
  public Evaluation withExtra(String name, double value) {
    Map<String, Double> more = new java.util.TreeMap<>(extras);
    more.put(name, value);
    return withExtras(more);
  }

  /** A copy whose extra values are {@code values}. */
  public Evaluation withExtras(Map<String, Double> values) {
    return new Evaluation(
        train,
        validation,
        test,
        epochs,
        trainingSeconds,
        validationFairness,
        testFairness,
        hardware,
        failure,
        testPredictions,
        testIntervals,
        values);
  }

  /**
   * A copy that says it trained {@code value} epochs; a search under halving counts a rung's epochs
   * in all, the rungs before included.
   */
  public Evaluation withEpochs(int value) {
    return new Evaluation(
        train,
        validation,
        test,
        value,
        trainingSeconds,
        validationFairness,
        testFairness,
        hardware,
        failure,
        testPredictions,
        testIntervals,
        extras);
  }

  /** The test predictions as an array, one per test sample; empty when not recorded. */
  public int[] testPredictionArray() {
    return testPredictions.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A failed evaluation with its reason and whatever hardware figures are known (may be null). */
  public static Evaluation failed(String reason, HardwareReport hardware) {
    Preconditions.checkArgument(reason != null && !reason.isBlank(), "reason must not be blank");
    return new Evaluation(
        SplitMetrics.UNKNOWN,
        SplitMetrics.UNKNOWN,
        SplitMetrics.UNKNOWN,
        0,
        0,
        null,
        null,
        hardware,
        Optional.of(reason));
  }

  public boolean succeeded() {
    return failure.isEmpty();
  }

  /** Validation accuracy, the figure selection uses. */
  public double accuracy() {
    return validation.accuracy();
  }

  /** Validation unfairness, the figure selection uses. */
  public double unfairness() {
    return validationFairness == null ? Double.NaN : validationFairness.unfairness();
  }

  /**
   * The one-paragraph metrics text the prompt carries: losses, accuracies, unfairness, EODD, EOPP1,
   * EOPP2, per-group accuracy and count (of every attribute), the test figures with their bootstrap
   * intervals as Table I prints them (when known), latency, throughput, model memory, then the
   * extra values by name. The process's resident high-water mark never appears here: it is not the
   * model's memory.
   */
  public String metricsParagraph() {
    if (failure.isPresent()) {
      return "The model failed: " + failure.get() + ".";
    }
    FairnessReport v = validationFairness;
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "Train loss %.4f, accuracy %.2f%%; validation loss %.4f, accuracy %.2f%%; test loss %.4f,"
                + " accuracy %.2f%% after %d epochs (%.1f s). ",
            train.loss(),
            100 * train.accuracy(),
            validation.loss(),
            100 * validation.accuracy(),
            test.loss(),
            100 * test.accuracy(),
            epochs,
            trainingSeconds));
    text.append(
        String.format(
            "On the validation split: unfairness %.4f, EODD %.4f, EOPP1 %.4f, EOPP2 %.4f; group"
                + " accuracies: %s. ",
            v.unfairness(), v.eodd(), v.eopp1(), v.eopp2(), v.groupsText()));
    if (testIntervals.isPresent() && testFairness != null) {
      // the same figures and intervals as Table I, in the same words
      FairnessIntervals ci = testIntervals.get();
      FairnessReport t = testFairness;
      text.append(
          String.format(
              "On the test split (plug-in figures, not bias-corrected;"
                  + " bootstrap %.0f%% intervals in brackets, each around its figure and always"
                  + " holding it):"
                  + " accuracy %.2f%% [%.1f, %.1f], unfairness %.4f [%.3f, %.3f], EODD %.4f [%.3f,"
                  + " %.3f], EOPP1 %.4f [%.3f, %.3f], EOPP2 %.4f [%.3f, %.3f]. ",
              100 * ci.level(),
              100 * test.accuracy(),
              100 * ci.accuracy().lower(),
              100 * ci.accuracy().upper(),
              t.unfairness(),
              ci.unfairness().lower(),
              ci.unfairness().upper(),
              t.eodd(),
              ci.eodd().lower(),
              ci.eodd().upper(),
              t.eopp1(),
              ci.eopp1().lower(),
              ci.eopp1().upper(),
              t.eopp2(),
              ci.eopp2().lower(),
              ci.eopp2().upper()));
    }
    text.append(
        String.format(
            "Hardware: %,d parameters, %.1f M MACs, ",
            hardware.parameters(), hardware.macs() / 1e6));
    text.append(
        Double.isNaN(hardware.latencyMs())
            ? "latency not measured, "
            : String.format("latency %.2f ms per image (batch 2), ", hardware.latencyMs()));
    text.append(
        Double.isNaN(hardware.throughput())
            ? ""
            : String.format("throughput %.0f images/s, ", hardware.throughput()));
    text.append(
        !hardware.memoryMeasured()
            ? String.format(
                "model memory %.1f MB (analytic, batch 2).", hardware.analyticMemoryMb())
            : String.format(
                "model memory %.1f MB (measured, batch 2; analytic %.1f MB).",
                hardware.modelMemoryMb(), hardware.analyticMemoryMb()));
    if (!extras.isEmpty()) {
      StringBuilder other = new StringBuilder();
      extras.forEach(
          (name, value) ->
              other
                  .append(other.isEmpty() ? "" : ", ")
                  .append(name)
                  .append(' ')
                  .append(Double.isNaN(value) ? "not measured" : String.format("%.4g", value)));
      text.append(" Other metrics: ").append(other).append('.');
    }
    return text.toString();
  }

  /**
   * An evaluation from the three things every successful one has: validation accuracy and loss,
   * fairness on the validation split (also taken for the test split), and the hardware report. Add
   * the rest with {@link #toBuilder()}. Factories and the builder are the way to build an
   * evaluation in your own evaluator: their calls keep compiling when the record gains a figure.
   *
   * <pre>{@code
   * Evaluator mine = architecture -> Evaluation.of(new SplitMetrics(loss, accuracy), fairness,
   *         HardwareReport.analytic(Cost.of(architecture)).withLatencyMs(latency))
   *     .toBuilder().epochs(5).trainingSeconds(12.5).extra("energy_mj", 40.0).build();
   * }</pre>
   */
  public static Evaluation of(
      SplitMetrics validation, FairnessReport fairness, HardwareReport hardware) {
    return builder()
        .validation(validation)
        .validationFairness(fairness)
        .testFairness(fairness)
        .hardware(hardware)
        .build();
  }

  /** A builder with nothing set: splits unknown, no epochs, no failure, no extras. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this evaluation's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.train = train;
    b.validation = validation;
    b.test = test;
    b.epochs = epochs;
    b.trainingSeconds = trainingSeconds;
    b.validationFairness = validationFairness;
    b.testFairness = testFairness;
    b.hardware = hardware;
    b.failure = failure;
    b.testPredictions = testPredictions;
    b.testIntervals = testIntervals;
    b.extras = new java.util.TreeMap<>(extras);
    return b;
  }

  /** Builds an {@link Evaluation}; {@link #build()} checks it as the constructor does. */
  public static final class Builder {
    private SplitMetrics train = SplitMetrics.UNKNOWN;
    private SplitMetrics validation = SplitMetrics.UNKNOWN;
    private SplitMetrics test = SplitMetrics.UNKNOWN;
    private int epochs;
    private double trainingSeconds;
    private FairnessReport validationFairness;
    private FairnessReport testFairness;
    private HardwareReport hardware;
    private Optional<String> failure = Optional.empty();
    private List<Integer> testPredictions = List.of();
    private Optional<FairnessIntervals> testIntervals = Optional.empty();
    private Map<String, Double> extras = new java.util.TreeMap<>();

    private Builder() {}

    public Builder train(SplitMetrics value) {
      this.train = value;
      return this;
    }

    public Builder validation(SplitMetrics value) {
      this.validation = value;
      return this;
    }

    public Builder test(SplitMetrics value) {
      this.test = value;
      return this;
    }

    public Builder epochs(int value) {
      this.epochs = value;
      return this;
    }

    public Builder trainingSeconds(double value) {
      this.trainingSeconds = value;
      return this;
    }

    public Builder validationFairness(FairnessReport value) {
      this.validationFairness = value;
      return this;
    }

    public Builder testFairness(FairnessReport value) {
      this.testFairness = value;
      return this;
    }

    public Builder hardware(HardwareReport value) {
      this.hardware = value;
      return this;
    }

    /** Marks it failed with this reason. */
    public Builder failure(String reason) {
      this.failure = Optional.of(reason);
      return this;
    }

    public Builder testPredictions(List<Integer> value) {
      this.testPredictions = value;
      return this;
    }

    public Builder testIntervals(FairnessIntervals value) {
      this.testIntervals = Optional.of(value);
      return this;
    }

    /** Adds a named value of your own (see {@link Evaluation#withExtra}). */
    public Builder extra(String name, double value) {
      this.extras.put(name, value);
      return this;
    }

    public Evaluation build() {
      return new Evaluation(
          train,
          validation,
          test,
          epochs,
          trainingSeconds,
          validationFairness,
          testFairness,
          hardware,
          failure,
          testPredictions,
          testIntervals,
          extras);
    }
  }
}
