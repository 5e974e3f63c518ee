package io.flnas.testing;

import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.FairnessMetrics;
import io.flnas.metrics.FairnessReport;
import io.flnas.metrics.GroupColumn;
import io.flnas.metrics.HardwareReport;
import io.flnas.metrics.SplitMetrics;
import io.flnas.search.Evaluator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cheap deterministic evaluator for tests: no training. It draws labelled predictions for 300
 * samples from a generator seeded by the architecture's hash, with a skill that grows with depth
 * and width and a group gap that normalization narrows, and computes the real fairness metrics on
 * them. The same architecture always gets the same evaluation. Counts its calls.
 */
public final class CheapEvaluator implements Evaluator {
  private final AtomicInteger calls = new AtomicInteger();

  public int calls() {
    return calls.get();
  }

  @Override
  public Evaluation evaluate(Architecture architecture) {
    calls.incrementAndGet();
    Random random = new Random(architecture.hash().hashCode());
    Cost cost = Cost.of(architecture);
    int n = 300;
    int classes = architecture.numClasses();
    double skill =
        Math.min(
            0.95,
            0.3
                + 0.08 * architecture.convLayerCount()
                + 0.02 * Math.log(cost.parameters()) / Math.log(2) * 0.3
                + 0.05 * random.nextDouble());
    boolean[] normalized = {false};
    architecture.forEachLayer(
        l -> {
          if (l instanceof Layer.Norm norm && norm.kind() != NormKind.NONE) {
            normalized[0] = true;
          }
        });
    double gap = normalized[0] ? 0.05 : 0.2;
    int[] labels = new int[n];
    int[] predictions = new int[n];
    int[] sex = new int[n];
    int[] age = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(classes);
      sex[i] = random.nextInt(10) == 0 ? GroupColumn.UNKNOWN : random.nextInt(2);
      age[i] = random.nextInt(3);
      double p = skill - (sex[i] == 1 ? gap : 0) - (age[i] == 2 ? gap / 2 : 0);
      predictions[i] = random.nextDouble() < p ? labels[i] : random.nextInt(classes);
    }
    FairnessReport fairness =
        FairnessMetrics.compute(
            classes,
            labels,
            predictions,
            List.of(
                new GroupColumn("sex", List.of("male", "female"), sex),
                new GroupColumn("age", List.of("young", "middle", "old"), age)));
    double accuracy = fairness.accuracy();
    return new Evaluation(
        new SplitMetrics(1 - accuracy, Math.min(1, accuracy + 0.05)),
        new SplitMetrics(1.1 - accuracy, accuracy),
        new SplitMetrics(1.1 - accuracy, accuracy),
        5,
        0.01,
        fairness,
        fairness,
        new HardwareReport(
            cost.parameters(),
            cost.macs(),
            cost.memoryMb(),
            cost.macs() / 1e7,
            1000,
            Double.NaN,
            Double.NaN,
            "cheap"),
        Optional.empty());
  }

  @Override
  public String name() {
    return "cheap";
  }
}
