package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.djl.model.MemoryFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channels-last training computes what channels-first training computes, including on the
 * convolutions oneDNN gets wrong channels-last (1x1, stride 2, fewer input channels than its
 * channel block), which {@link ArchitectureBlocks} feeds channels-first.
 */
class MemoryFormatTest {
  /**
   * A random architecture of the tiny space that hung (and in another run crashed the JVM with
   * SIGSEGV) in oneDNN's 1x1 backward-weights kernel when its input came channels-last: stride-2
   * 1x1 convolutions on 3 input channels, in a projection shortcut and in its body.
   */
  static final String STRIDED_1X1 =
      """
      {"input":{"channels":3,"height":16,"width":16},"num_classes":8,"layers":[
        {"type":"residual","shortcut":"projection","projection_norm":"batch","body":[
          {"type":"conv2d","filters":8,"kernel":1,"stride":2,"padding":0,"groups":1,"bias":false},
          {"type":"norm","kind":"group","groups":8}]},
        {"type":"activation","kind":"silu"},
        {"type":"pool","kind":"max","kernel":2,"stride":2,"padding":0},
        {"type":"conv2d","filters":32,"kernel":1,"stride":1,"padding":0,"groups":1,"bias":false},
        {"type":"norm","kind":"batch"},
        {"type":"activation","kind":"relu"},
        {"type":"conv2d","filters":16,"kernel":1,"stride":2,"padding":0,"groups":1,"bias":false},
        {"type":"global_avg_pool"},
        {"type":"linear","units":8,"bias":true}]}
      """;

  @Test
  void channels_last_keeps_every_value_in_place() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray images = manager.arange(2 * 3 * 4 * 5f).reshape(2, 3, 4, 5);
      NDArray last = MemoryFormat.CHANNELS_LAST.apply(images);
      assertThat(last.getShape()).isEqualTo(images.getShape());
      assertThat(last.toFloatArray()).isEqualTo(images.toFloatArray());
      assertThat(MemoryFormat.CHANNELS_FIRST.apply(last).toFloatArray())
          .isEqualTo(images.toFloatArray());
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void a_training_step_has_the_same_loss_and_gradients_in_either_order() {
    Architecture small =
        ReferenceArchitectures.smallCnn(new io.flnas.arch.Shape(3, 16, 16, false), 8);
    Architecture strided = ArchitectureJson.read(STRIDED_1X1);
    for (Architecture architecture : new Architecture[] {small, strided}) {
      for (int batch : new int[] {16, 5}) {
        Map<String, float[]> first = step(architecture, MemoryFormat.CHANNELS_FIRST, batch);
        Map<String, float[]> last = step(architecture, MemoryFormat.CHANNELS_LAST, batch);
        assertThat(last.keySet()).isEqualTo(first.keySet());
        for (String name : first.keySet()) {
          float[] a = first.get(name);
          float[] b = last.get(name);
          float scale = 0;
          for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
          }
          for (int i = 0; i < a.length; i++) {
            assertThat(b[i])
                .as(
                    "%s[%s] of %s, batch %s",
                    name,
                    i,
                    architecture == small ? "the small CNN" : "the strided 1x1 network",
                    batch)
                .isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f * scale + 1e-6f));
          }
        }
      }
    }
  }

  @Test
  void the_evaluator_trains_channels_last_on_the_cpu_unless_told_otherwise() {
    ImageDataset data = SyntheticLesions.builder().size(40).imageSize(8).seed(2).generate();
    try (DjlEvaluator cpu = DjlEvaluator.builder(data).device(Device.cpu()).build();
        DjlEvaluator first =
            DjlEvaluator.builder(data)
                .device(Device.cpu())
                .memoryFormat(MemoryFormat.CHANNELS_FIRST)
                .build()) {
      assertThat(cpu.memoryFormat()).isEqualTo(MemoryFormat.CHANNELS_LAST);
      assertThat(cpu.name()).contains("channels-last");
      assertThat(first.memoryFormat()).isEqualTo(MemoryFormat.CHANNELS_FIRST);
      assertThat(first.name()).doesNotContain("channels-last");
    }
  }

  /** The loss and every parameter's gradient after one forward and backward pass. */
  private static Map<String, float[]> step(
      Architecture architecture, MemoryFormat format, int batch) {
    Engine.getEngine("PyTorch").setRandomSeed(7);
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Model model = Model.newInstance("format", Device.cpu(), "PyTorch")) {
      model.setBlock(ArchitectureBlocks.toBlock(architecture));
      try (Trainer trainer =
          model.newTrainer(TrainingLoop.config(Hyperparameters.defaults(), Device.cpu()))) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(new Shape(batch, in.channels(), in.height(), in.width()));
        NDManager manager = trainer.getManager();
        NDArray x =
            manager.randomUniform(0, 1, new Shape(batch, in.channels(), in.height(), in.width()));
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
          labels[i] = i % 8;
        }
        NDArray y = manager.create(labels);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDArray loss =
              trainer
                  .getLoss()
                  .evaluate(new NDList(y), trainer.forward(new NDList(format.apply(x))));
          collector.backward(loss);
          out.put("loss", new float[] {loss.getFloat()});
        }
        for (var pair : model.getBlock().getParameters()) {
          NDArray array = pair.getValue().getArray();
          if (pair.getValue().requiresGradient()) {
            out.put(pair.getKey(), array.getGradient().toFloatArray());
          }
        }
      }
    }
    return out;
  }
}
