package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import java.util.List;

/**
 * What oneDNN's kernels buy and cost: one epoch of each model on the default data (1,400 images of
 * 16x16, batch 64, seed 42) with oneDNN off (the evaluator's default) and on, in one process per
 * setting. Prints {@code onednn: <model> off|on epoch X s latency Y ms, process peak Z MB} or the
 * failure (run it under {@code /usr/bin/time -v} for the kernel's figure of the peak). Run with
 * {@code ./mvnw -q -DskipTests install && ./mvnw -q -pl flnas-djl exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.flnas.djl.bench.OneDnnBenchmark -Dexec.skip=false
 * -Dexec.args="off resnet18 mobilenet_v2"} (then {@code on}; a model that kills the JVM with
 * oneDNN, as MobileNet-v1 does on AVX-512 EPYC, ends that process).
 */
public final class OneDnnBenchmark {
  private OneDnnBenchmark() {}

  public static void main(String[] args) {
    boolean on = args.length > 0 && args[0].equals("on");
    List<String> models =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("resnet18", "mobilenet_v2");
    ImageDataset data = SyntheticLesions.builder().size(1400).imageSize(16).seed(42).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(1)
            .latencyRuns(20)
            .bootstrapResamples(10)
            .oneDnn(on)
            .build()) {
      for (String name : models) {
        Architecture model =
            ReferenceArchitectures.byName(name, data.input(), data.problem().numClasses());
        long started = System.nanoTime();
        Evaluation e = evaluator.evaluate(model);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println(
            e.failure()
                .map(f -> String.format("onednn: %s %s failed: %s", name, on ? "on" : "off", f))
                .orElse(
                    String.format(
                        "onednn: %s %s epoch %.1f s latency"
                            + " %.1f ms, process peak %.0f MB sampled (1,400 images of 16x16, batch 64, %s)",
                        name,
                        on ? "on" : "off",
                        seconds,
                        e.hardware().latencyMs(),
                        e.hardware().processPeakMb(),
                        evaluator.device())));
      }
    }
  }
}
