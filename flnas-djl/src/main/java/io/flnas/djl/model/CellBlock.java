package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.flnas.arch.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Layer.Cell} in DJL: node 0 is the input, each later node the sum of its incoming edges'
 * outputs (an edge without layers passes its source node on), a node without incoming edges zeros
 * of the input's shape, the last node the output. Each edge with layers is a child block, so the
 * cell's parameters are exactly its edges' parameters.
 */
final class CellBlock extends AbstractBlock {
  private final List<Layer.Edge> edges;

  /** The child block of each edge, in {@link #edges}' order; null for an identity edge. */
  private final List<Block> blocks;

  private final int nodes;

  CellBlock(Layer.Cell cell, List<Block> edgeBlocks) {
    this.edges = cell.edges();
    this.nodes = cell.nodes();
    this.blocks = new ArrayList<>(edgeBlocks);
    for (int e = 0; e < edges.size(); e++) {
      if (blocks.get(e) != null) {
        addChildBlock("edge" + edges.get(e).from() + "to" + edges.get(e).to(), blocks.get(e));
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray[] node = new NDArray[nodes];
    node[0] = inputs.singletonOrThrow();
    for (int target = 1; target < nodes; target++) {
      NDArray sum = null;
      for (int e = 0; e < edges.size(); e++) {
        Layer.Edge edge = edges.get(e);
        if (edge.to() != target) {
          continue;
        }
        NDArray out =
            blocks.get(e) == null
                ? node[edge.from()]
                : blocks
                    .get(e)
                    .forward(parameterStore, new NDList(node[edge.from()]), training, params)
                    .singletonOrThrow();
        if (sum == null) {
          sum = out;
        } else {
          NDArray added = sum.add(out);
          sum = added;
        }
      }
      node[target] = sum != null ? sum : node[0].zerosLike();
    }
    return new NDList(node[nodes - 1]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {nodeShapes(inputShapes[0])[nodes - 1]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] shapes = nodeShapes(inputShapes[0]);
    for (int e = 0; e < edges.size(); e++) {
      if (blocks.get(e) != null) {
        blocks.get(e).initialize(manager, dataType, shapes[edges.get(e).from()]);
      }
    }
  }

  /** The shape of every node for an input of {@code input}. */
  private Shape[] nodeShapes(Shape input) {
    Shape[] shapes = new Shape[nodes];
    shapes[0] = input;
    for (int target = 1; target < nodes; target++) {
      for (int e = 0; e < edges.size(); e++) {
        Layer.Edge edge = edges.get(e);
        if (edge.to() == target && shapes[target] == null) {
          shapes[target] =
              blocks.get(e) == null
                  ? shapes[edge.from()]
                  : blocks.get(e).getOutputShapes(new Shape[] {shapes[edge.from()]})[0];
        }
      }
      if (shapes[target] == null) {
        shapes[target] = input;
      }
    }
    return shapes;
  }
}
