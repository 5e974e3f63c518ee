package io.flnas.djl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.train.Precision;
import io.flnas.djl.train.PrecisionUnavailableException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 through libtorch's own cast ({@link Bfloat16}), and networks whose convolutions compute
 * in it ({@link Bf16Conv2d}): values rounded to bfloat16's 8-bit mantissa, gradients back to fp32,
 * and a network that computes nearly, not exactly, what its fp32 twin computes.
 */
class Bfloat16Test {
  @BeforeAll
  static void engine_can_cast() {
    // Not an assumption to hide behind: on the engine this project pins (libtorch 2.7.1,
    // x86-64 Linux) the cast must be there.
    assertThat(Bfloat16.unavailableBecause()).isEmpty();
  }

  @Test
  void a_bfloat16_copy_keeps_eight_bits_of_mantissa() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(new float[] {1f, 1f + 1f / 1024, 3f, -2.5f, 1f / 3, 1e-3f});

      NDArray low = Bfloat16.of(x, manager);
      NDArray back = Bfloat16.toFloat(low);

      assertThat(low.getDataType()).as("DJL has no name for it").isEqualTo(DataType.UNKNOWN);
      assertThat(low.getShape()).isEqualTo(x.getShape());
      assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(back.toFloatArray())
          .containsExactly(1f, 1f, 3f, -2.5f, 0.333984375f, bfloat16(1e-3f));
      assertThat(bfloat16(1e-3f)).isNotEqualTo(1e-3f);
    }
  }

  @Test
  void gradients_of_a_bfloat16_copy_reach_the_fp32_original() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(new float[] {0.5f, -1.25f, 2f});
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = Bfloat16.toFloat(Bfloat16.of(x, manager)).mul(3).sum();
        collector.backward(y);
      }
      assertThat(x.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(x.getGradient().toFloatArray()).containsExactly(3f, 3f, 3f);
    }
  }

  /**
   * The one engine exception the hand-made cast can meet on the CPU, a failed allocation of its
   * result, is refused before libtorch is called: unchecked, this very cast ends the JVM with
   * "terminate called after throwing an instance of 'c10::Error' ... DefaultCPUAllocator: can't
   * allocate memory: you tried to allocate 2199023255552 bytes" (tried on this machine). A
   * broadcast view costs one value, so the test needs no memory.
   */
  @Test
  void a_cast_larger_than_the_machine_can_allocate_is_refused_and_the_jvm_lives_on() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray huge = manager.ones(new Shape(1, 1)).broadcast(new Shape(1L << 20, 1L << 20));

      assertThatThrownBy(() -> Bfloat16.of(huge, manager))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("a bfloat16 copy of (1048576, 1048576) needs 2,097,152 MiB")
          .hasMessageContaining("refused before calling libtorch");

      NDArray small = Bfloat16.of(manager.create(new float[] {1.5f}), manager);
      assertThat(Bfloat16.toFloat(small).toFloatArray()).containsExactly(1.5f);
    }
  }

  /** The cast back to fp32 allocates twice as much, and is checked as the cast there is. */
  @Test
  void a_cast_back_to_fp32_larger_than_the_machine_can_allocate_is_refused_too() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray huge =
          Bfloat16.of(manager.ones(new Shape(1, 1)), manager)
              .broadcast(new Shape(1L << 20, 1L << 20));

      assertThatThrownBy(() -> Bfloat16.toFloat(huge))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("an fp32 copy of (1048576, 1048576) needs 4,194,304 MiB")
          .hasMessageContaining("refused before calling libtorch");
    }
  }

  /**
   * On a GPU the cast is refused before libtorch is reached (a CUDA out-of-memory in it would end
   * the JVM), also where a block was built for BF16 without the evaluator's check. No GPU is
   * needed: the array only claims to be on one, and any other use of it fails the test.
   */
  @Test
  void a_cast_of_an_array_on_a_gpu_is_refused_before_libtorch_is_reached() {
    NDArray onGpu =
        (NDArray)
            Proxy.newProxyInstance(
                NDArray.class.getClassLoader(),
                new Class<?>[] {NDArray.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "getDevice" -> Device.gpu();
                      case "toString" -> "an array on gpu(0)";
                      default ->
                          throw new AssertionError("the cast used the array: " + method.getName());
                    });

    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> Bfloat16.of(onGpu, manager))
          .isInstanceOf(PrecisionUnavailableException.class)
          .hasMessageContaining("bfloat16 casts are refused on gpu(0)")
          .hasMessageContaining("would abort the JVM");
    }
  }

  @Test
  void a_bf16_network_computes_nearly_what_its_fp32_twin_computes_with_the_same_weights() {
    Architecture cnn = ReferenceArchitectures.smallCnn(io.flnas.arch.Shape.image(3, 16, 16), 8);
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      NDArray images = manager.randomUniform(0, 1, new Shape(4, 3, 16, 16));
      NDArray labels = manager.create(new float[] {0, 3, 5, 7});
      Run fp32 = run(ArchitectureBlocks.toBlock(cnn, Precision.FP32), images, labels, null);
      Run bf16 =
          run(ArchitectureBlocks.toBlock(cnn, Precision.BF16), images, labels, fp32.parameters);

      assertThat(bf16.names)
          .as("the same parameters in the same order")
          .hasSize(fp32.names.size())
          .allSatisfy(name -> assertThat(fp32.names).contains(name.replace("Bf16", "")))
          .anySatisfy(name -> assertThat(name).endsWith("Bf16Conv2d_weight"));
      assertThat(bf16.logits).isNotEqualTo(fp32.logits);
      for (int i = 0; i < fp32.logits.length; i++) {
        assertThat(bf16.logits[i]).isCloseTo(fp32.logits[i], within(0.05f));
      }
      double cosine = cosine(bf16.firstConvGradient, fp32.firstConvGradient);
      assertThat(cosine).as("first convolution's weight gradient").isGreaterThan(0.95);
      assertThat(bf16.firstConvGradient).isNotEqualTo(fp32.firstConvGradient);
    }
  }

  /** One forward and backward pass; weights copied from {@code weights} where given. */
  private static Run run(Block block, NDArray images, NDArray labels, List<float[]> weights) {
    try (Model model = Model.newInstance("bf16", "PyTorch")) {
      model.setBlock(block);
      try (Trainer trainer =
          model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
        trainer.initialize(images.getShape());
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        int i = 0;
        for (var pair : block.getParameters()) {
          Parameter parameter = pair.getValue();
          if (weights != null) {
            parameter.getArray().set(weights.get(i).clone());
          }
          names.add(pair.getKey());
          values.add(parameter.getArray().toFloatArray());
          i++;
        }
        float[] logits;
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList out = trainer.forward(new NDList(images));
          logits = out.singletonOrThrow().toFloatArray();
          collector.backward(trainer.getLoss().evaluate(new NDList(labels), out));
        }
        Parameter firstConv = block.getParameters().get(0).getValue();
        assertThat(firstConv.getArray().getShape().dimension()).isEqualTo(4);
        return new Run(names, values, logits, firstConv.getArray().getGradient().toFloatArray());
      }
    }
  }

  /** {@code value} rounded to the nearest bfloat16 (ties to even), by hand. */
  private static float bfloat16(float value) {
    int bits = Float.floatToIntBits(value);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private record Run(
      List<String> names, List<float[]> parameters, float[] logits, float[] firstConvGradient) {}
}
