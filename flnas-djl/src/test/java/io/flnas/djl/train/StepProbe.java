package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.djl.model.MemoryFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Diagnostic (issue 20): one training step of DeterminismProbe's architecture, forward and backward
 * from the same weights, repeated and compared bit for bit. Args: iterations, memory format,
 * threads, an architecture file or {@code -}, and {@code gc} to force a garbage collection between
 * forward and backward, which changed every step's gradients while DJL's SiLU kept a Java-backed
 * scalar in the autograd graph (see {@code NativeScalar}).
 */
public final class StepProbe {
  public static void main(String[] args) throws Exception {
    int iterations = Integer.parseInt(args[0]);
    MemoryFormat format = MemoryFormat.valueOf(args[1]);
    int threads = Integer.parseInt(args[2]);
    String archArg = args.length > 3 ? args[3] : "-";
    Architecture architecture =
        ArchitectureJson.read(
            archArg.equals("-")
                ? io.flnas.djl.bench.DeterminismProbeAccess.trial3()
                : Files.readString(Path.of(archArg)));
    boolean gc = args.length > 4 && args[4].equals("gc");
    ImageDataset dataset = SyntheticLesions.builder().size(1400).imageSize(16).seed(42).generate();
    OneDnn.setEnabled(false).ifPresent(w -> System.out.println("onednn: " + w));
    ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    Device device = Device.cpu();
    Hyperparameters hyper = Hyperparameters.defaults();
    try (DeviceData data = new DeviceData(dataset, device);
        Model model = Model.newInstance("probe", device, "PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(42);
      Block block = ArchitectureBlocks.toBlock(architecture);
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(TrainingLoop.config(hyper, device));
          NDManager keep = NDManager.newBaseManager(device)) {
        var in = architecture.input();
        trainer.initialize(new Shape(64, in.channels(), in.height(), in.width()));
        List<NDArray> initial = TrainingLoop.snapshot(block, keep, null);
        int[] perm = io.flnas.djl.data.Permutations.random(data.train.count(), new Random(42));
        long[] idx = new long[64];
        for (int i = 0; i < 64; i++) {
          idx[i] = perm[i];
        }
        List<String> names = new ArrayList<>();
        for (var pair : block.getParameters()) {
          names.add(pair.getKey());
        }
        float[][] reference = null;
        int bad = 0;
        long started = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
          TrainingLoop.restore(block, initial);
          Engine.getEngine("PyTorch").setRandomSeed(43);
          float[][] now = new float[names.size() + 1][];
          try (GradientCollector collector = trainer.newGradientCollector();
              NDManager batch = trainer.getManager().newSubManager()) {
            batch.tempAttachAll(data.train.labels);
            NDArray index = batch.create(idx);
            NDArray x =
                format.apply(
                    data.train.images(
                        batch, java.util.Arrays.stream(idx).mapToInt(v -> (int) v).toArray()));
            NDArray y = data.train.labels.get(index);
            NDList predictions = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
            if (gc && it > 0) {
              System.gc();
              Thread.sleep(100);
            }
            collector.backward(loss);
            now[names.size()] = predictions.singletonOrThrow().toFloatArray();
            int p = 0;
            for (var pair : block.getParameters()) {
              Parameter parameter = pair.getValue();
              NDArray w = parameter.getArray();
              if (parameter.requiresGradient()) {
                NDArray g = w.getGradient();
                now[p] = g.toFloatArray();
                g.subi(g);
                g.close();
              } else {
                now[p] = w.toFloatArray();
              }
              p++;
            }
          }
          if (reference == null) {
            reference = now;
            continue;
          }
          List<String> differ = new ArrayList<>();
          for (int p = 0; p < now.length; p++) {
            if (!Arrays.equals(now[p], reference[p])) {
              int count = 0;
              double max = 0;
              for (int k = 0; k < now[p].length; k++) {
                if (Float.floatToRawIntBits(now[p][k])
                    != Float.floatToRawIntBits(reference[p][k])) {
                  count++;
                  max = Math.max(max, Math.abs(now[p][k] - reference[p][k]));
                }
              }
              differ.add(
                  (p == names.size() ? "OUTPUT" : names.get(p))
                      + "("
                      + count
                      + "/"
                      + now[p].length
                      + " max "
                      + max
                      + ")");
            }
          }
          if (!differ.isEmpty()) {
            bad++;
            System.out.println("iteration " + it + " differs: " + differ);
          }
        }
        System.out.printf(
            "step probe: %d of %d iterations differ (%s, %d threads) in %.1f s%n",
            bad, iterations, format, threads, (System.nanoTime() - started) / 1e9);
      }
    }
  }
}
