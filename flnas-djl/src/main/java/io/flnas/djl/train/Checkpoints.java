package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import io.flnas.EvaluationException;
import io.flnas.djl.model.NativeArrays;
import io.flnas.metrics.SplitMetrics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A rung of successive halving on disk, so that the next rung continues the trial exactly where it
 * stopped: two rungs of one epoch train the same bits as two epochs without a break.
 *
 * <ul>
 *   <li>{@code <file>}: the weights the rung ended with, those of its best epoch by validation loss
 *       (what the rung's evaluation measured), every parameter of the block (running statistics
 *       too) in the block's order, in DJL's array encoding;
 *   <li>{@code <file>.last}: the weights of its last epoch, which training continues from;
 *   <li>{@code <file>.adam}: the {@link Progress} (epochs trained, so the next rung draws the batch
 *       orders uninterrupted training would have drawn; Adam's step count; the early stopping
 *       state), then Adam's moment estimates per parameter in the same order ({@link
 *       ResumableAdam}; none with SGD, whose momentum restarts).
 * </ul>
 *
 * A rung file without the other two (written before they existed) still loads: training then
 * continues from the best weights with a fresh optimizer.
 */
final class Checkpoints {
  /**
   * How far a trial had trained when a rung saved it.
   *
   * @param epochs epochs trained in all rungs so far
   * @param steps the optimizer's steps so far
   * @param bestLoss the best validation loss so far
   * @param bestTrain the training metrics of that epoch
   * @param sinceBest epochs since that epoch; at the patience, the trial has stopped early
   */
  record Progress(int epochs, int steps, double bestLoss, SplitMetrics bestTrain, int sinceBest) {
    static final Progress START =
        new Progress(0, 0, Double.POSITIVE_INFINITY, SplitMetrics.UNKNOWN, 0);
  }

  private Checkpoints() {}

  /** The progress saved with the rung file {@code file}; {@link Progress#START} without it. */
  static Progress progress(Path file) {
    Path state = stateFile(file);
    if (!Files.exists(state)) {
      return Progress.START;
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(state))) {
      return readProgress(in);
    } catch (IOException e) {
      throw new EvaluationException(
          "cannot read the rung's progress in " + state + ": " + e.getMessage(), e);
    }
  }

  /** Saves the block's weights, now its last epoch's, and the progress, beside {@code file}. */
  static void save(Block block, Optimizer optimizer, Progress progress, Path file) {
    saveWeights(block, lastFile(file));
    ResumableAdam adam = optimizer instanceof ResumableAdam a ? a : null;
    Path state = stateFile(file);
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(state)))) {
      out.writeInt(progress.epochs());
      out.writeInt(adam == null ? 0 : adam.steps());
      out.writeDouble(progress.bestLoss());
      out.writeDouble(progress.bestTrain().loss());
      out.writeDouble(progress.bestTrain().accuracy());
      out.writeInt(progress.sinceBest());
      for (var pair : block.getParameters()) {
        NDArray weights = pair.getValue().getArray();
        Optional<NDList> moments =
            adam == null
                ? Optional.empty()
                : adam.moments(pair.getValue().getId(), weights.getDevice());
        out.writeBoolean(moments.isPresent());
        if (moments.isPresent()) {
          write(out, moments.get().get(0));
          write(out, moments.get().get(1));
        }
      }
    } catch (IOException e) {
      throw new EvaluationException(
          "cannot save the rung's progress to " + state + ": " + e.getMessage(), e);
    }
  }

  /** Saves the block's weights to {@code file}. */
  static void saveWeights(Block block, Path file) {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      for (var pair : block.getParameters()) {
        write(out, pair.getValue().getArray());
      }
    } catch (IOException e) {
      throw new EvaluationException(
          "cannot save the rung's weights to " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Continues from the rung file {@code file}: returns a snapshot (in {@code snapshots}) of its
   * best weights, leaves the block holding the weights to continue from, and gives {@code
   * optimizer} Adam's moments (in {@code manager}) where they were saved.
   */
  static List<NDArray> load(
      Block block, Optimizer optimizer, NDManager manager, NDManager snapshots, Path file) {
    loadWeights(block, manager, file);
    List<NDArray> best = TrainingLoop.snapshot(block, snapshots, null);
    Path last = lastFile(file);
    if (Files.exists(last)) {
      loadWeights(block, manager, last);
    }
    Path state = stateFile(file);
    if (!(optimizer instanceof ResumableAdam adam) || !Files.exists(state)) {
      return best;
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(state)))) {
      readProgress(in);
      for (var pair : block.getParameters()) {
        if (in.readBoolean()) {
          Parameter parameter = pair.getValue();
          Device device = parameter.getArray().getDevice();
          adam.restore(
              parameter.getId(),
              device,
              NativeArrays.owned(read(in, manager)),
              NativeArrays.owned(read(in, manager)));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new EvaluationException(
          "cannot continue from the rung's optimizer state in " + state + ": " + e.getMessage(), e);
    }
    return best;
  }

  private static void loadWeights(Block block, NDManager manager, Path file) {
    try (DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
        NDManager scratch = manager.newSubManager()) {
      for (var pair : block.getParameters()) {
        NativeArrays.copyInto(read(in, scratch), pair.getValue().getArray());
      }
    } catch (IOException | RuntimeException e) {
      throw new EvaluationException(
          "cannot continue from the rung weights in " + file + ": " + e.getMessage(), e);
    }
  }

  private static Progress readProgress(DataInputStream in) throws IOException {
    int epochs = in.readInt();
    int steps = in.readInt();
    double bestLoss = in.readDouble();
    SplitMetrics bestTrain = new SplitMetrics(in.readDouble(), in.readDouble());
    return new Progress(epochs, steps, bestLoss, bestTrain, in.readInt());
  }

  private static Path lastFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".last");
  }

  private static Path stateFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".adam");
  }

  private static void write(DataOutputStream out, NDArray array) throws IOException {
    byte[] bytes = array.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static NDArray read(DataInputStream in, NDManager manager) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return manager.decode(bytes);
  }
}
