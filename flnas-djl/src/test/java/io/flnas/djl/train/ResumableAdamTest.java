package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.model.ArchitectureBlocks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ResumableAdam} is DJL's Adam, step for step, with its state in reach. */
class ResumableAdamTest {
  @Test
  void trains_bit_for_bit_as_djls_adam() {
    Tracker rate = Tracker.fixed(1e-3f);
    List<float[]> djl = train(Optimizer.adam().optLearningRateTracker(rate).build());
    List<float[]> ours = train(new ResumableAdam(rate, 0));

    assertThat(ours).hasSameSizeAs(djl);
    for (int i = 0; i < djl.size(); i++) {
      assertThat(ours.get(i)).as("parameter %s", i).containsExactly(djl.get(i));
    }
  }

  @Test
  void counts_steps_and_keeps_moments_per_parameter() {
    ResumableAdam adam = new ResumableAdam(Tracker.fixed(1e-3f), 7);
    assertThat(adam.steps()).isEqualTo(7);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray weight = manager.create(new float[] {1f, -1f});
      adam.update("w", weight, manager.create(new float[] {0.5f, -2f}));
      assertThat(adam.steps()).isEqualTo(8);
      NDList moments = adam.moments("w", Device.cpu()).orElseThrow();
      float[] mean = moments.get(0).toFloatArray();
      assertThat(mean[0]).isCloseTo(0.05f, within(1e-6f)); // (1 - beta1) * gradient
      assertThat(mean[1]).isCloseTo(-0.2f, within(1e-6f));
      float[] variance = moments.get(1).toFloatArray();
      assertThat(variance[1]).isCloseTo(0.004f, within(1e-7f)); // (1 - beta2) * gradient^2
      assertThat(adam.moments("other", Device.cpu())).isEmpty();
    }
  }

  /** Three steps of the small CNN on fixed data; the parameters after them. */
  private static List<float[]> train(Optimizer optimizer) {
    Engine.getEngine("PyTorch").setRandomSeed(11);
    var cnn = ReferenceArchitectures.smallCnn(io.flnas.arch.Shape.image(3, 12, 12), 4);
    try (Model model = Model.newInstance("adam", Device.cpu(), "PyTorch")) {
      model.setBlock(ArchitectureBlocks.toBlock(cnn));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(optimizer)
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(8, 3, 12, 12));
        NDManager manager = trainer.getManager();
        NDArray images = manager.randomUniform(0, 1, new Shape(8, 3, 12, 12));
        NDArray labels = manager.create(new float[] {0, 1, 2, 3, 0, 1, 2, 3});
        for (int step = 0; step < 3; step++) {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList out = trainer.forward(new NDList(images));
            collector.backward(trainer.getLoss().evaluate(new NDList(labels), out));
          }
          trainer.step();
        }
        List<float[]> values = new ArrayList<>();
        for (var pair : model.getBlock().getParameters()) {
          values.add(pair.getValue().getArray().toFloatArray());
        }
        return values;
      }
    }
  }
}
