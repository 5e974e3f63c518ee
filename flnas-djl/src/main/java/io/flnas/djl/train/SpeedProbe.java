package io.flnas.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import java.util.Arrays;

/** Timed forward passes of a trained model: latency per image and throughput. */
final class SpeedProbe {
  private final int latencyRuns;
  private final int throughputBatch;

  SpeedProbe(int latencyRuns, int throughputBatch) {
    this.latencyRuns = latencyRuns;
    this.throughputBatch = throughputBatch;
  }

  /** The paper's deployment batch size: latency and model memory are measured at it. */
  static final int LATENCY_BATCH = 2;

  /** Median latency per image of a batch-2 forward pass, output copied to the host. */
  double latencyMs(Trainer trainer, io.flnas.arch.Shape in) {
    double[] times = timeForward(trainer, in, LATENCY_BATCH, latencyRuns);
    return times[times.length / 2] / LATENCY_BATCH;
  }

  /** Images per second at the throughput batch size (median of 5 runs). */
  double throughput(Trainer trainer, io.flnas.arch.Shape in) {
    double[] times = timeForward(trainer, in, throughputBatch, 5);
    return throughputBatch / (times[times.length / 2] / 1000);
  }

  private double[] timeForward(Trainer trainer, io.flnas.arch.Shape in, int batchSize, int runs) {
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x =
          manager.randomNormal(new Shape(batchSize, in.channels(), in.height(), in.width()));
      for (int i = 0; i < 3; i++) {
        try (NDManager step = manager.newSubManager()) {
          NDList out = trainer.evaluate(new NDList(x));
          out.attach(step);
          out.singletonOrThrow().toFloatArray();
        }
      }
      double[] times = new double[runs];
      for (int i = 0; i < runs; i++) {
        try (NDManager step = manager.newSubManager()) {
          long start = System.nanoTime();
          NDList out = trainer.evaluate(new NDList(x));
          out.singletonOrThrow().toFloatArray();
          times[i] = (System.nanoTime() - start) / 1e6;
          out.attach(step);
        }
      }
      Arrays.sort(times);
      return times;
    }
  }
}
