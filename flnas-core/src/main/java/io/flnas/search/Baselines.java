package io.flnas.search;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.HardwareReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * The paper's baselines (ResNet-18, ResNet-34, MobileNetV1, MobileNetV2) trained and measured by
 * the same evaluator as the searched candidates, so a search can print Table I with real rows.
 */
public final class Baselines {
  private Baselines() {}

  /** The paper's four baselines. */
  public static final List<String> PAPER =
      List.of("resnet18", "resnet34", "mobilenet_v1", "mobilenet_v2");

  /** One evaluated baseline. */
  public record Baseline(String name, Architecture architecture, Evaluation evaluation) {}

  /** Evaluates each named reference architecture for the problem; a failure is kept as such. */
  public static List<Baseline> evaluate(Evaluator evaluator, Problem problem, List<String> names) {
    return evaluate(evaluator, problem, names, (name, evaluation) -> {});
  }

  /**
   * Evaluates the named reference architectures on an executor, all at once (on a cluster, each on
   * a free worker, in parallel), and tells {@code progress} of each in the order of {@code names}
   * as its result comes; a failure is kept as such. The tasks take negative numbers, -1 for the
   * first name, so no journal or log mistakes them for the search's trials.
   */
  public static List<Baseline> evaluate(
      TrialExecutor executor,
      Problem problem,
      List<String> names,
      BiConsumer<String, Evaluation> progress) {
    List<Architecture> architectures = new ArrayList<>();
    List<CompletableFuture<TrialExecutor.Execution>> results = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Architecture architecture =
          ReferenceArchitectures.byName(names.get(i), problem.input(), problem.numClasses());
      architectures.add(architecture);
      CompletableFuture<TrialExecutor.Execution> result;
      try {
        result =
            executor.submit(
                new TrialExecutor.TrialTask(-(i + 1), architecture, TrialExecutor.Events.NONE));
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      results.add(result);
    }
    List<Baseline> baselines = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Architecture architecture = architectures.get(i);
      TrialExecutor.Execution execution = null;
      Throwable error = null;
      try {
        execution = results.get(i).join();
      } catch (CompletionException | CancellationException e) {
        error = e;
      }
      // The search's own rule for an executor's answer: its evaluation, or a failed one saying why.
      Evaluation evaluation =
          Outcomes.evaluation(
              -(i + 1),
              execution,
              error,
              io.flnas.arch.Cost.of(architecture),
              executor.evaluatorName());
      progress.accept(names.get(i), evaluation);
      baselines.add(new Baseline(architecture.name(), architecture, evaluation));
    }
    return baselines;
  }

  /** As {@link #evaluate(Evaluator, Problem, List)}, telling {@code progress} after each. */
  public static List<Baseline> evaluate(
      Evaluator evaluator,
      Problem problem,
      List<String> names,
      BiConsumer<String, Evaluation> progress) {
    List<Baseline> baselines = new ArrayList<>();
    for (String name : names) {
      Architecture architecture =
          ReferenceArchitectures.byName(name, problem.input(), problem.numClasses());
      Evaluation evaluation;
      try {
        evaluation = evaluator.evaluate(architecture);
      } catch (RuntimeException e) {
        evaluation =
            Evaluation.failed(
                "evaluation failed: " + e.getMessage(),
                HardwareReport.analytic(io.flnas.arch.Cost.of(architecture)));
      }
      progress.accept(name, evaluation);
      baselines.add(new Baseline(architecture.name(), architecture, evaluation));
    }
    return baselines;
  }
}
