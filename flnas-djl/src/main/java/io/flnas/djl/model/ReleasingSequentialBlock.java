package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link SequentialBlock} that closes each intermediate output as soon as the next layer has
 * consumed it.
 *
 * <p>Why: DJL keeps every array an operation returns until the manager that owns it closes, which
 * for a training step or a scoring pass is the whole batch. A plain sequential block therefore
 * holds every layer's output of the batch at once, in inference as well as in training, where
 * PyTorch would free what no later operation and no backward pass needs. Measured on the
 * MobileNetV2 baseline at the default data (16x16 images): scoring 256 validation images held 3 GB
 * of outputs, and the process peaked at 6.1 GB. Closing an output here only drops this Java
 * handle's reference: what autograd saved for the backward pass it holds itself, so gradients are
 * unchanged, bit for bit. An output that the next layer passes through unchanged (the same array,
 * as an identity block does) is not closed; neither is the block's own input.
 */
final class ReleasingSequentialBlock extends SequentialBlock {

  @Override
  @SuppressWarnings("ReferenceEquality") // the block's own input object, not an equal list
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList current = inputs;
    for (Block child : getChildren().values()) {
      NDList next = child.forward(parameterStore, current, training, params);
      if (current != inputs) {
        closeUnless(current, next);
      }
      current = next;
    }
    return current;
  }

  /** Closes the arrays of {@code consumed} that are not themselves in {@code kept}. */
  static void closeUnless(NDList consumed, NDList kept) {
    for (NDArray array : consumed) {
      boolean passedOn = false;
      for (NDArray k : kept) {
        passedOn |= k == array;
      }
      if (!passedOn) {
        array.close();
      }
    }
  }
}
