package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.Trainer;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.djl.model.MemoryFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: a garbage collection between a step's forward and backward pass must change nothing.
 * DJL's PyTorch engine backs an array made from Java data by a Java direct buffer that lives only
 * as long as the Java array object; an operation that autograd remembers for the backward pass
 * (DJL's SiLU, ReLU6, {@code x.add(epsilon)}, {@code loss.mul(share)}) must not use such an array
 * ({@link io.flnas.djl.model.NativeScalar}), or a collection frees it and the gradient reads
 * whatever the allocator wrote there.
 *
 * <p>The comparison is of two whole trainings from the same seed, each on a fresh model (no batch
 * normalization, whose running statistics every training-mode forward pass moves; no dropout, which
 * draws from the engine's generator; gradients zeroed by each optimizer step), so the only
 * difference between them is the collections.
 */
class CollectionDuringTrainingTest {
  @Test
  void a_collection_between_forward_and_backward_changes_no_bit_of_a_training() throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(64).imageSize(8).seed(3).generate();
    Architecture architecture =
        Architecture.builder(data.input(), data.numClasses())
            .name("collected")
            .add(Layer.Conv2d.of(8, 3, 1))
            .add(new Layer.Norm(NormKind.GROUP, 4))
            .add(new Layer.Activation(ActivationKind.SILU))
            .add(Layer.Conv2d.of(8, 3, 1))
            .add(new Layer.Activation(ActivationKind.RELU6))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(data.numClasses(), true))
            .build();
    OneDnn.setEnabled(false);

    List<int[]> quiet = train(data, architecture, false);
    List<int[]> collected = train(data, architecture, true);

    assertThat(collected).hasSameSizeAs(quiet);
    for (int i = 0; i < quiet.size(); i++) {
      assertThat(collected.get(i)).as("losses, then parameter %d", i).isEqualTo(quiet.get(i));
    }
  }

  @Test
  void restored_weights_stay_in_libtorch_memory() throws Exception {
    // DJL's copyTo on the CPU replaces the target tensor's storage with a Java direct buffer that
    // only the target's PtNDArray keeps (its dataRef field); restore must copy instead
    java.lang.reflect.Field dataRef =
        ai.djl.pytorch.engine.PtNDArray.class.getDeclaredField("dataRef");
    dataRef.setAccessible(true);
    Device device = Device.cpu();
    try (Model model = Model.newInstance("restored", device, "PyTorch");
        ai.djl.ndarray.NDManager snapshots = ai.djl.ndarray.NDManager.newBaseManager(device)) {
      Block block = ai.djl.nn.core.Linear.builder().setUnits(3).build();
      model.setBlock(block);
      try (Trainer trainer =
          model.newTrainer(TrainingLoop.config(Hyperparameters.defaults(), device))) {
        trainer.initialize(new ai.djl.ndarray.types.Shape(2, 4));
        List<NDArray> best = TrainingLoop.snapshot(block, snapshots, null);
        NDArray weight = block.getParameters().valueAt(0).getArray();
        float[] before = weight.toFloatArray();
        weight.subi(weight);
        TrainingLoop.restore(block, best);
        assertThat(weight.toFloatArray()).containsExactly(before);
        for (var pair : block.getParameters()) {
          assertThat(dataRef.get(pair.getValue().getArray())).as(pair.getKey()).isNull();
        }
      }
    }
  }

  /**
   * Two epochs in batches of 16 split into micro-batches of 8; the bits of every epoch's loss, then
   * of every parameter. With {@code collect}, every forward pass ends in a garbage collection (and
   * a pause for the cleaner thread to free what it found), and a thread collects every millisecond
   * besides, which also falls between a micro-batch's loss share and its backward pass.
   */
  private static List<int[]> train(ImageDataset dataset, Architecture architecture, boolean collect)
      throws InterruptedException {
    Hyperparameters hyper = Hyperparameters.defaults().withBatchSize(16).withLearningRate(1e-2);
    Device device = Device.cpu();
    Thread collector = new Thread(CollectionDuringTrainingTest::collectEveryMillisecond);
    collector.setDaemon(true);
    if (collect) {
      collector.start();
    }
    List<int[]> bits = new ArrayList<>();
    try (DeviceData data = new DeviceData(dataset, device);
        Model model = Model.newInstance("collected", device, "PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(42);
      Block network = ArchitectureBlocks.toBlock(architecture);
      model.setBlock(
          new SequentialBlock()
              .add(network)
              .add(
                  new LambdaBlock(
                      outputs -> {
                        if (collect) {
                          collectGarbage();
                        }
                        return outputs;
                      },
                      "collect")));
      try (Trainer trainer = model.newTrainer(TrainingLoop.config(hyper, device))) {
        io.flnas.arch.Shape in = architecture.input();
        trainer.initialize(
            new ai.djl.ndarray.types.Shape(
                hyper.batchSize(), in.channels(), in.height(), in.width()));
        TrainingLoop loop = new TrainingLoop(data, hyper, MemoryFormat.CHANNELS_FIRST);
        Random order = new Random(7);
        int[] losses = new int[2];
        for (int epoch = 0; epoch < losses.length; epoch++) {
          losses[epoch] =
              Float.floatToRawIntBits((float) loop.trainEpoch(trainer, order, 8).loss());
        }
        bits.add(losses);
        for (var pair : network.getParameters()) {
          NDArray array = pair.getValue().getArray();
          float[] values = array.toFloatArray();
          int[] raw = new int[values.length];
          for (int k = 0; k < values.length; k++) {
            raw[k] = Float.floatToRawIntBits(values[k]);
          }
          bits.add(raw);
        }
      }
    } finally {
      collector.interrupt();
      collector.join();
    }
    return bits;
  }

  private static void collectEveryMillisecond() {
    while (!Thread.currentThread().isInterrupted()) {
      System.gc();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void collectGarbage() {
    System.gc();
    try {
      Thread.sleep(3); // direct buffers are freed by the cleaner thread, after the collection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
