package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.Shape;
import io.flnas.djl.model.ArchitectureBlocks;
import org.junit.jupiter.api.Test;

/** The timed passes leave nothing behind: the measurement holds one pass's memory, not eight. */
class SpeedProbeTest {
  @Test
  void a_timed_pass_frees_every_array_it_created_and_keeps_its_input() {
    Shape in = Shape.image(3, 8, 8);
    // SiLU and group norm compute temporaries inside their blocks, which the releasing sequential
    // block does not close: those are what piled up in the input's manager
    Architecture architecture =
        Architecture.builder(in, 4)
            .name("temporaries")
            .add(Layer.Conv2d.of(8, 3, 1))
            .add(Layer.Norm.of(NormKind.GROUP))
            .add(new Layer.Activation(ActivationKind.SILU))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(4, true))
            .build();
    try (Model model = Model.newInstance("probe", Device.cpu(), "PyTorch")) {
      model.setBlock(ArchitectureBlocks.toBlock(architecture));
      try (Trainer trainer =
          model.newTrainer(TrainingLoop.config(Hyperparameters.defaults(), Device.cpu()))) {
        trainer.initialize(new ai.djl.ndarray.types.Shape(2, 3, 8, 8));
        try (NDManager outer = trainer.getManager().newSubManager()) {
          NDArray x = outer.randomNormal(new ai.djl.ndarray.types.Shape(2, 3, 8, 8));
          for (int pass = 0; pass < 3; pass++) {
            assertThat(SpeedProbe.timedPass(trainer, x)).isPositive();
            assertThat(outer.getManagedArrays()).containsExactly(x);
          }
          assertThat(x.getManager()).isSameAs(outer);
          assertThat(x.sum().getFloat()).isFinite();
        }
      }
    }
  }
}
