package io.flnas.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.flnas.EvaluationException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The weights of a rung of successive halving on disk: every parameter of the block (running
 * statistics too), in the block's order, in DJL's array encoding. Loading copies into the arrays
 * the trainer already holds, so gradients and the optimizer stay attached to them.
 */
final class Checkpoints {
  private Checkpoints() {}

  static void save(Block block, Path file) {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        Files.newOutputStream(file)))) {
      for (var pair : block.getParameters()) {
        byte[] bytes = pair.getValue().getArray().encode();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new EvaluationException("cannot save the rung's weights to " + file + ": "
          + e.getMessage(), e);
    }
  }

  static void load(Block block, NDManager manager, Path file) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(file)));
        NDManager scratch = manager.newSubManager()) {
      for (var pair : block.getParameters()) {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        NDArray saved = scratch.decode(bytes);
        saved.copyTo(pair.getValue().getArray());
      }
    } catch (IOException | RuntimeException e) {
      throw new EvaluationException("cannot continue from the rung weights in " + file + ": "
          + e.getMessage(), e);
    }
  }
}
