package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flnas.arch.Architecture;
import io.flnas.arch.Cost;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.space.SearchSpaces;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArchitectureBlocksTest {
  private static final Shape INPUT = Shape.image(3, 32, 32);

  private static long djlParameters(Architecture architecture) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = ArchitectureBlocks.toBlock(architecture);
      Shape in = architecture.input();
      block.initialize(
          manager,
          DataType.FLOAT32,
          new ai.djl.ndarray.types.Shape(2, in.channels(), in.height(), in.width()));
      NDArray x =
          manager.randomNormal(
              new ai.djl.ndarray.types.Shape(2, in.channels(), in.height(), in.width()));
      NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), false);
      assertThat(out.singletonOrThrow().getShape())
          .isEqualTo(new ai.djl.ndarray.types.Shape(2, architecture.numClasses()));
      return ArchitectureBlocks.trainableParameters(block);
    }
  }

  @Test
  void djl_parameter_count_equals_the_analytic_count_for_every_reference() {
    for (String name : ReferenceArchitectures.NAMES) {
      Architecture a = ReferenceArchitectures.byName(name, INPUT, 8);
      assertThat(djlParameters(a)).as(name).isEqualTo(Cost.of(a).parameters());
    }
  }

  @Test
  void djl_parameter_count_equals_the_analytic_count_for_random_samples() {
    Random random = new Random(11);
    for (int i = 0; i < 25; i++) {
      Architecture a = SearchSpaces.paperCnn().sample(random, INPUT, 8);
      assertThat(djlParameters(a)).as(a.summary()).isEqualTo(Cost.of(a).parameters());
    }
  }

  @Test
  void resnet18_with_1000_classes_has_torchvision_count_in_djl() {
    Architecture a = ReferenceArchitectures.resnet18(Shape.image(3, 64, 64), 1000);
    assertThat(djlParameters(a)).isEqualTo(11_689_512L);
  }

  static {
    // Fail fast if the engine would try to download anything.
    System.setProperty("ai.djl.offline", "true");
    Model.class.getName();
  }
}
