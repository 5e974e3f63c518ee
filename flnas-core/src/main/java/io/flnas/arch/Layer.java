package io.flnas.arch;

import com.google.common.base.Preconditions;
import java.util.List;

/**
 * One layer of an {@link Architecture}. The set is closed (a sealed interface of records), so a
 * reply from a language model can only ever become one of these values: nothing is executed.
 *
 * <p>Input channels are never stored: they follow from the previous layer, which makes a mismatch
 * impossible to express. Shape rules that depend on the input (spatial size, groups that divide the
 * channels, identity shortcuts) are checked by {@link Shapes}.
 */
public sealed interface Layer {

  /** The lower-case type key used in JSON ({@code "conv2d"}, {@code "residual"}, ...). */
  String type();

  /** 2-D convolution. {@code groups == input channels == filters} is a depthwise convolution. */
  record Conv2d(int filters, int kernel, int stride, int padding, int groups, boolean bias)
      implements Layer {
    public Conv2d {
      Preconditions.checkArgument(filters > 0, "conv2d filters must be > 0, but was %s", filters);
      Preconditions.checkArgument(kernel > 0, "conv2d kernel must be > 0, but was %s", kernel);
      Preconditions.checkArgument(stride > 0, "conv2d stride must be > 0, but was %s", stride);
      Preconditions.checkArgument(padding >= 0, "conv2d padding must be >= 0, but was %s", padding);
      Preconditions.checkArgument(groups > 0, "conv2d groups must be > 0, but was %s", groups);
    }

    /** A convolution with "same" padding ({@code kernel / 2}), one group and no bias. */
    public static Conv2d of(int filters, int kernel, int stride) {
      return new Conv2d(filters, kernel, stride, kernel / 2, 1, false);
    }

    @Override
    public String type() {
      return "conv2d";
    }
  }

  /**
   * Normalization; {@code groups} is used by {@link NormKind#GROUP} only (it must divide the
   * channels) and is 1 otherwise.
   */
  record Norm(NormKind kind, int groups) implements Layer {
    public Norm {
      Preconditions.checkArgument(kind != null, "norm kind must not be null");
      Preconditions.checkArgument(groups > 0, "norm groups must be > 0, but was %s", groups);
      if (kind == NormKind.GROUP && groups == 1) {
        kind = NormKind.LAYER; // GroupNorm with one group is layer norm: one canonical form
      }
      if (kind != NormKind.GROUP) {
        groups = 1;
      }
    }

    public static Norm of(NormKind kind) {
      return new Norm(kind, kind == NormKind.GROUP ? 8 : 1);
    }

    @Override
    public String type() {
      return "norm";
    }
  }

  /** Element-wise activation. */
  record Activation(ActivationKind kind) implements Layer {
    public Activation {
      Preconditions.checkArgument(kind != null, "activation kind must not be null");
    }

    @Override
    public String type() {
      return "activation";
    }
  }

  /** Spatial max or average pooling. */
  record Pool(PoolKind kind, int kernel, int stride, int padding) implements Layer {
    public Pool {
      Preconditions.checkArgument(kind != null, "pool kind must not be null");
      Preconditions.checkArgument(kernel > 0, "pool kernel must be > 0, but was %s", kernel);
      Preconditions.checkArgument(stride > 0, "pool stride must be > 0, but was %s", stride);
      Preconditions.checkArgument(padding >= 0, "pool padding must be >= 0, but was %s", padding);
    }

    @Override
    public String type() {
      return "pool";
    }
  }

  /** Averages each channel over all positions and flattens: {@code [C x H x W] -> [C]}. */
  record GlobalAvgPool() implements Layer {
    @Override
    public String type() {
      return "global_avg_pool";
    }
  }

  /** Flattens a feature map into a vector; a no-op on a vector. */
  record Flatten() implements Layer {
    @Override
    public String type() {
      return "flatten";
    }
  }

  /** Dropout with the given drop probability in [0, 1). */
  record Dropout(double rate) implements Layer {
    public Dropout {
      Preconditions.checkArgument(
          rate >= 0 && rate < 1, "dropout rate must be in [0, 1), but was %s", rate);
    }

    @Override
    public String type() {
      return "dropout";
    }
  }

  /** Fully connected layer on a vector. */
  record Linear(int units, boolean bias) implements Layer {
    public Linear {
      Preconditions.checkArgument(units > 0, "linear units must be > 0, but was %s", units);
    }

    @Override
    public String type() {
      return "linear";
    }
  }

  /**
   * {@code body(x) + shortcut(x)}. Put an {@link Activation} after it for the post-addition
   * activation of a ResNet block. {@code projectionNorm} is the normalization after the 1x1
   * projection conv and is ignored for an identity shortcut.
   */
  record Residual(List<Layer> body, Shortcut shortcut, NormKind projectionNorm) implements Layer {
    public Residual {
      Preconditions.checkArgument(
          body != null && !body.isEmpty(), "residual body must not be empty");
      Preconditions.checkArgument(shortcut != null, "residual shortcut must not be null");
      body = List.copyOf(body);
      if (shortcut == Shortcut.IDENTITY) {
        projectionNorm = NormKind.NONE;
      } else if (projectionNorm == null) {
        projectionNorm = NormKind.BATCH;
      }
    }

    public static Residual identity(List<Layer> body) {
      return new Residual(body, Shortcut.IDENTITY, NormKind.NONE);
    }

    public static Residual projection(List<Layer> body) {
      return new Residual(body, Shortcut.PROJECTION, NormKind.BATCH);
    }

    @Override
    public String type() {
      return "residual";
    }
  }

  /**
   * A cell: a small directed acyclic graph of feature maps, as in cell-based search spaces
   * (NAS-Bench-201, DARTS). Node 0 is the cell's input; each later node is the sum of its incoming
   * edges, each edge applying its own layers to the node it comes from (an edge without layers is
   * the identity, a skip connection); the last node is the cell's output. An edge that a space
   * calls "none" (zero) is simply absent, and a node with no incoming edge is all zeros of the
   * input's shape (a cell without edges outputs zeros). Edges are kept sorted by {@code (to,
   * from)}, so one graph has one form.
   *
   * @param nodes the nodes of the graph, the input node 0 and the output node included
   */
  record Cell(int nodes, List<Edge> edges) implements Layer {
    public Cell {
      Preconditions.checkArgument(nodes >= 2, "cell nodes must be >= 2, but was %s", nodes);
      Preconditions.checkArgument(edges != null, "cell edges must not be null");
      for (Edge edge : edges) {
        Preconditions.checkArgument(
            edge.to() < nodes,
            "cell edge %s->%s leads past the cell's last node %s",
            edge.from(),
            edge.to(),
            nodes - 1);
      }
      List<Edge> sorted = new java.util.ArrayList<>(edges);
      sorted.sort(java.util.Comparator.comparingInt(Edge::to).thenComparingInt(Edge::from));
      for (int i = 1; i < sorted.size(); i++) {
        Edge a = sorted.get(i - 1);
        Edge b = sorted.get(i);
        Preconditions.checkArgument(
            a.from() != b.from() || a.to() != b.to(),
            "cell has two edges from node %s to node %s",
            a.from(),
            a.to());
      }
      edges = List.copyOf(sorted);
    }

    @Override
    public String type() {
      return "cell";
    }
  }

  /**
   * One edge of a {@link Cell}: {@code layers} applied to node {@code from}, added into {@code to}.
   */
  record Edge(int from, int to, List<Layer> layers) {
    public Edge {
      Preconditions.checkArgument(from >= 0, "edge from must be >= 0, but was %s", from);
      Preconditions.checkArgument(to > from, "edge to must be > from (%s), but was %s", from, to);
      Preconditions.checkArgument(layers != null, "edge layers must not be null");
      layers = List.copyOf(layers);
    }
  }
}
