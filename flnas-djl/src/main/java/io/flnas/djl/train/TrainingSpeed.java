package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import io.flnas.arch.Architecture;
import io.flnas.djl.model.ArchitectureBlocks;
import java.util.Random;

/** Training speed of an evaluator's own training path, for benchmarks. */
public final class TrainingSpeed {
  private TrainingSpeed() {}

  /**
   * Images per second of this evaluator's own training path (the code {@link
   * DjlEvaluator#evaluate(Architecture)} trains with: seeded shuffled batches, loss and accuracy
   * per batch), over {@code epochs} epochs after one warm-up epoch, excluding validation.
   */
  public static double imagesPerSecond(
      DjlEvaluator evaluator, Architecture architecture, int epochs) {
    Hyperparameters hyper = evaluator.hyperparameters();
    Device device = evaluator.device();
    TrainingLoop loop = new TrainingLoop(evaluator.deviceData(), hyper, evaluator.memoryFormat());
    Engine.getEngine("PyTorch").setRandomSeed((int) hyper.seed());
    try (Model model = Model.newInstance("benchmark", device, "PyTorch")) {
      model.setBlock(ArchitectureBlocks.toBlock(architecture, evaluator.precision()));
      DefaultTrainingConfig config = TrainingLoop.config(hyper, device);
      try (Trainer trainer = model.newTrainer(config)) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(hyper.batchSize(), in.channels(), in.height(), in.width()));
        Random order = new Random(hyper.seed());
        loop.trainEpoch(trainer, order);
        long start = System.nanoTime();
        for (int i = 0; i < epochs; i++) {
          loop.trainEpoch(trainer, order);
        }
        return (double) evaluator.deviceData().train.count()
            * epochs
            / ((System.nanoTime() - start) / 1e9);
      }
    }
  }
}
