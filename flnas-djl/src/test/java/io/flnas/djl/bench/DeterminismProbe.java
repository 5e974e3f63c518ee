package io.flnas.djl.bench;

import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.MemoryFormat;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one architecture many times with the same seed in one evaluator and prints every distinct
 * outcome (per-epoch validation losses, training metrics, failure) with the first run that gave it;
 * a deterministic evaluator prints one. Run with {@code ./mvnw -q -pl flnas-djl exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.flnas.djl.bench.DeterminismProbe -Dexec.skip=false
 * -Dai.djl.offline=true -Dexec.args="150 CHANNELS_LAST 2 [architecture.json or -] [onednn]"} (runs,
 * memory format, threads, an architecture file, by default {@link #TRIAL_3}, and whether to train
 * with oneDNN's kernels).
 *
 * <p>Why it exists: on 2 AVX-512 cores (AMD EPYC, libtorch 2.7.1) {@link #TRIAL_3}, 2 epochs on the
 * 16x16 fidelity data (seed 42), gave 3 distinct outcomes in 150 runs, in either memory order and
 * with 1 intra-op thread as with 2, once a NaN training loss. Found: oneDNN's convolution kernels
 * (a fifth argument {@code onednn} runs the probe with them, as before). With them, the notebook's
 * tiny architecture gave a NaN loss in 9 of 20 runs; capped to AVX2 ({@code
 * ONEDNN_MAX_CPU_ISA=AVX2}) one outcome in 30; with oneDNN off one outcome in every variant tried.
 * The evaluator now trains fp32 without oneDNN by default ({@link io.flnas.djl.train.OneDnn}).
 */
public final class DeterminismProbe {
  /** Random candidate 3 of FidelityBenchmark's seed 42. */
  static final String TRIAL_3 =
      """
      {"name":"trial-3","input":{"channels":3,"height":16,"width":16},"num_classes":8,"layers":[
      {"type":"residual","shortcut":"projection","projection_norm":"batch","body":[
        {"type":"conv2d","filters":32,"kernel":3,"stride":2,"padding":1,"groups":1,"bias":false},
        {"type":"norm","kind":"batch"}]},
      {"type":"activation","kind":"silu"},
      {"type":"pool","kind":"max","kernel":2,"stride":2,"padding":0},
      {"type":"conv2d","filters":64,"kernel":1,"stride":1,"padding":0,"groups":1,"bias":false},
      {"type":"norm","kind":"batch"},{"type":"activation","kind":"silu"},
      {"type":"conv2d","filters":128,"kernel":5,"stride":1,"padding":2,"groups":1,"bias":false},
      {"type":"norm","kind":"batch"},{"type":"activation","kind":"silu"},
      {"type":"conv2d","filters":24,"kernel":3,"stride":1,"padding":1,"groups":1,"bias":false},
      {"type":"norm","kind":"batch"},{"type":"activation","kind":"silu"},
      {"type":"pool","kind":"avg","kernel":2,"stride":2,"padding":0},
      {"type":"conv2d","filters":24,"kernel":3,"stride":1,"padding":1,"groups":1,"bias":false},
      {"type":"norm","kind":"batch"},{"type":"activation","kind":"silu"},
      {"type":"conv2d","filters":128,"kernel":3,"stride":1,"padding":1,"groups":1,"bias":false},
      {"type":"norm","kind":"batch"},{"type":"activation","kind":"silu"},
      {"type":"global_avg_pool"},{"type":"dropout","rate":0.1},
      {"type":"linear","units":8,"bias":true}]}
      """;

  private DeterminismProbe() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 150;
    MemoryFormat format =
        args.length > 1 ? MemoryFormat.valueOf(args[1]) : MemoryFormat.CHANNELS_LAST;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean ownFile = args.length > 3 && !args[3].isEmpty() && !args[3].equals("-");
    Architecture architecture =
        ArchitectureJson.read(ownFile ? Files.readString(Path.of(args[3])) : TRIAL_3);
    boolean oneDnn = args.length > 4 && args[4].equals("onednn");
    ImageDataset data = SyntheticLesions.builder().size(1400).imageSize(16).seed(42).generate();
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    // -Ddeterminism.gcMillis=N collects garbage every N ms while it trains: a collection between a
    // step's forward and backward pass is what freed Java-backed tensors autograd still used
    // (NativeScalar), so this makes that event frequent instead of rare
    int gcMillis = Integer.getInteger("determinism.gcMillis", 0);
    if (gcMillis > 0) {
      Thread collector =
          new Thread(
              () -> {
                while (true) {
                  System.gc();
                  try {
                    Thread.sleep(gcMillis);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "determinism-gc");
      collector.setDaemon(true);
      collector.start();
    }
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .memoryFormat(format)
            .threads(threads)
            .oneDnn(oneDnn)
            .maxEpochs(2)
            .patience(3)
            .seed(42)
            .latencyRuns(1)
            .bootstrapResamples(10)
            .build()) {
      for (int run = 0; run < runs; run++) {
        List<Double> losses = new ArrayList<>();
        Evaluation evaluation =
            evaluator.evaluate(architecture, (epoch, max, loss) -> losses.add(loss));
        String outcome =
            evaluation.failure().map(f -> "failed: " + f + " ").orElse("")
                + "val losses "
                + losses
                + ", train "
                + evaluation.train();
        if (!outcomes.containsKey(outcome)) {
          System.out.println("  run " + run + ": " + outcome);
        }
        outcomes.merge(outcome, 1, Integer::sum);
        if ((run + 1) % 25 == 0) {
          System.out.printf("  %d runs: %s%n", run + 1, outcomes.values());
        }
      }
    }
    System.out.printf(
        "determinism: %d distinct outcomes in %d runs (%s, %d threads, oneDNN %s):" + " %s%n",
        outcomes.size(), runs, format, threads, oneDnn ? "on" : "off", outcomes.values());
  }
}
