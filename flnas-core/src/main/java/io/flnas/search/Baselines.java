package io.flnas.search;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.HardwareReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The paper's baselines (ResNet-18, ResNet-34, MobileNetV1, MobileNetV2) trained and measured by
 * the same evaluator as the searched candidates, so a search can print Table I with real rows.
 */
public final class Baselines {
  private Baselines() {}

  /** The paper's four baselines. */
  public static final List<String> PAPER = List.of("resnet18", "resnet34", "mobilenet_v1",
      "mobilenet_v2");

  /** One evaluated baseline. */
  public record Baseline(String name, Architecture architecture, Evaluation evaluation) {}

  /** Evaluates each named reference architecture for the problem; a failure is kept as such. */
  public static List<Baseline> evaluate(Evaluator evaluator, Problem problem, List<String> names) {
    return evaluate(evaluator, problem, names, (name, evaluation) -> {});
  }

  /** As {@link #evaluate(Evaluator, Problem, List)}, telling {@code progress} after each. */
  public static List<Baseline> evaluate(Evaluator evaluator, Problem problem, List<String> names,
      BiConsumer<String, Evaluation> progress) {
    List<Baseline> baselines = new ArrayList<>();
    for (String name : names) {
      Architecture architecture = ReferenceArchitectures.byName(name, problem.input(),
          problem.numClasses());
      Evaluation evaluation;
      try {
        evaluation = evaluator.evaluate(architecture);
      } catch (RuntimeException e) {
        evaluation = Evaluation.failed("evaluation failed: " + e.getMessage(),
            HardwareReport.analytic(io.flnas.arch.Cost.of(architecture)));
      }
      progress.accept(name, evaluation);
      baselines.add(new Baseline(architecture.name(), architecture, evaluation));
    }
    return baselines;
  }
}
