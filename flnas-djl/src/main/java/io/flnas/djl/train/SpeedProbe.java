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
        timedPass(trainer, x);
      }
      double[] times = new double[runs];
      for (int i = 0; i < runs; i++) {
        times[i] = timedPass(trainer, x);
      }
      Arrays.sort(times);
      return times;
    }
  }

  /**
   * Milliseconds of one forward pass of {@code x}, output copied to the host. Every array the pass
   * creates is freed when it returns, {@code x} stays where it was.
   *
   * <p>Why the input is lent to a manager of the pass: an operation puts its result in its input's
   * manager, so the temporaries inside each block (SiLU's sigmoid, a norm's statistics, which the
   * releasing sequential block does not see) went to the manager of {@code x} and stayed there
   * until every pass of the measurement had run. At 64x64 with batch 32 that piled up 2 GB over the
   * eight throughput passes: the trial on the 25,331-image ISIC folder peaked at 4 GB in the half
   * second of its throughput measurement, against 1.9 GB while it trained.
   */
  static double timedPass(Trainer trainer, NDArray x) {
    try (NDManager pass = x.getManager().newSubManager()) {
      pass.tempAttachAll(x);
      long start = System.nanoTime();
      NDList out = trainer.evaluate(new NDList(x));
      out.singletonOrThrow().toFloatArray();
      return (System.nanoTime() - start) / 1e6;
    }
  }
}
