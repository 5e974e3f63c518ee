package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.flnas.EvaluationException;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.djl.model.ArchitectureBlocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained model on disk: {@code architecture.json} (canonical JSON) and DJL's parameter file
 * {@code flnas-model-0000.params}. {@link #load} rebuilds the block from the JSON and loads the
 * weights; nothing else is needed to reproduce the model's predictions.
 */
public final class ModelExport {
  public static final String MODEL_NAME = "flnas-model";
  public static final String ARCHITECTURE_FILE = "architecture.json";

  private ModelExport() {}

  static void save(Model model, Architecture architecture, Path directory) {
    try {
      Files.createDirectories(directory);
      Files.writeString(
          directory.resolve(ARCHITECTURE_FILE),
          ArchitectureJson.writePretty(architecture),
          StandardCharsets.UTF_8);
      model.save(directory, MODEL_NAME);
    } catch (IOException e) {
      throw new EvaluationException(
          "cannot export the model to " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Class predictions of a (loaded) model on a split, in inference mode. */
  public static int[] predict(Model model, io.flnas.djl.data.Split split) {
    int[] predictions = new int[split.count()];
    try (ai.djl.ndarray.NDManager manager = model.getNDManager().newSubManager()) {
      ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(manager, false);
      int per = split.imageSize();
      for (int start = 0; start < split.count(); start += 256) {
        int end = Math.min(split.count(), start + 256);
        try (ai.djl.ndarray.NDManager batch = manager.newSubManager()) {
          float[] pixels = new float[(end - start) * per];
          for (int i = start; i < end; i++) {
            split.images().normalized(i, pixels, (i - start) * per);
          }
          ai.djl.ndarray.NDArray x =
              batch.create(
                  pixels,
                  new ai.djl.ndarray.types.Shape(
                      end - start, split.channels(), split.height(), split.width()));
          long[] predicted =
              model
                  .getBlock()
                  .forward(store, new ai.djl.ndarray.NDList(x), false)
                  .singletonOrThrow()
                  .argMax(1)
                  .toLongArray();
          for (int i = 0; i < predicted.length; i++) {
            predictions[start + i] = (int) predicted[i];
          }
        }
      }
    }
    return predictions;
  }

  /** The architecture stored in an export folder. */
  public static Architecture architecture(Path directory) {
    Path file = directory.resolve(ARCHITECTURE_FILE);
    try {
      return ArchitectureJson.read(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new EvaluationException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Rebuilds a model from an export folder; the caller closes it. */
  public static Model load(Path directory, Device device) {
    Architecture architecture = architecture(directory);
    Model model = Model.newInstance(MODEL_NAME, device, "PyTorch");
    try {
      model.setBlock(ArchitectureBlocks.toBlock(architecture));
      model.load(directory, MODEL_NAME);
      return model;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new EvaluationException(
          "cannot load the model in " + directory + ": " + e.getMessage(), e);
    }
  }
}
