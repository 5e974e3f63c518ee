package io.flnas.djl.proxy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a block built by {@link io.flnas.djl.model.ArchitectureBlocks#toBlock} child by child, in
 * inference mode, alongside the architecture's layers, and hands every activation layer's output to
 * a consumer, residual bodies included. It relies on the block mirroring the layers: one child of a
 * sequential block per layer, and a residual as a parallel block of its body and shortcut whose
 * outputs are added.
 */
public final class ActivationWalk {
  private ActivationWalk() {}

  /** The network's output for {@code input}; {@code activations} sees each activation output. */
  public static NDArray run(
      Architecture architecture,
      Block block,
      NDArray input,
      ParameterStore store,
      Consumer<NDArray> activations) {
    return sequential(architecture.layers(), block, input, store, activations);
  }

  private static NDArray sequential(
      List<Layer> layers,
      Block block,
      NDArray x,
      ParameterStore store,
      Consumer<NDArray> activations) {
    var children = block.getChildren();
    if (children.size() != layers.size()) {
      throw new IllegalArgumentException(
          "block has "
              + children.size()
              + " children for "
              + layers.size()
              + " layers: not built by ArchitectureBlocks from this architecture");
    }
    NDArray out = x;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Block child = children.get(i).getValue();
      if (layer instanceof Layer.Residual residual) {
        var branches = child.getChildren();
        NDArray body =
            sequential(residual.body(), branches.get(0).getValue(), out, store, activations);
        NDArray shortcut =
            branches.get(1).getValue().forward(store, new NDList(out), false).singletonOrThrow();
        out = body.add(shortcut);
      } else {
        out = child.forward(store, new NDList(out), false).singletonOrThrow();
        if (layer instanceof Layer.Activation) {
          activations.accept(out);
        }
      }
    }
    return out;
  }
}
