package io.flnas.space;

import com.google.common.base.Preconditions;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The cell space of NAS-Bench-201 (Dong and Yang, ICLR 2020): a cell of 4 nodes and 6 edges, each
 * edge one of {@code none}, {@code skip_connect}, {@code nor_conv_1x1}, {@code nor_conv_3x3},
 * {@code avg_pool_3x3}, stacked in a fixed network: a 3x3 stem convolution to 16 channels and batch
 * norm; three stages of 5 cells at 16, 32 and 64 channels joined by residual reduction blocks;
 * batch norm, ReLU, global pooling and a linear classifier. 5^6 = 15,625 networks.
 *
 * <p>Everything is built from the project's own layers: a cell is a {@link Layer.Cell} whose edges
 * carry ReLU-conv-BN ({@code nor_conv}), average pooling (3x3, stride 1, padding 1) or nothing
 * (skip); a {@code none} edge is absent. The reduction block is a cell too: ReLU-conv 3x3 stride
 * 2-BN and ReLU-conv 3x3-BN in a row, beside a 2x2 average pool and a 1x1 convolution. One
 * difference from the benchmark's PyTorch code: its average pool excludes the padding from the
 * mean, DJL's includes it (no parameter or cost differs).
 *
 * <p>Positions are the edges in the benchmark's own order: 0-1, 0-2, 1-2, 0-3, 1-3, 2-3; options in
 * the order above. {@link #arch(int[])} and {@link #parse(String)} convert to and from the
 * benchmark's notation {@code |nor_conv_3x3~0|+|...|}.
 */
public final class NasBench201Space implements ChoiceSpace {
  /** The operations of an edge, in option order. */
  public static final List<String> OPERATIONS =
      List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");

  private static final int[][] EDGES = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};
  private static final int CELLS_PER_STAGE = 5;
  private static final int STEM = 16;

  private final ChoiceIndex index = new ChoiceIndex(this);

  NasBench201Space() {}

  @Override
  public List<Integer> options() {
    return Collections.nCopies(EDGES.length, OPERATIONS.size());
  }

  @Override
  public List<String> optionNames(int position) {
    return OPERATIONS;
  }

  @Override
  public Architecture architecture(int[] choices, Shape input, int numClasses) {
    Preconditions.checkArgument(
        choices.length == EDGES.length,
        "a NAS-Bench-201 cell has %s edges, but %s choices were given",
        EDGES.length,
        choices.length);
    Architecture.Builder net =
        Architecture.builder(input, numClasses)
            .name(arch(choices))
            .add(Layer.Conv2d.of(STEM, 3, 1))
            .add(Layer.Norm.of(NormKind.BATCH));
    int channels = STEM;
    for (int stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        net.add(reduction(channels * 2));
        channels *= 2;
      }
      Layer.Cell cell = cell(choices, channels);
      for (int i = 0; i < CELLS_PER_STAGE; i++) {
        net.add(cell);
      }
    }
    return net.add(Layer.Norm.of(NormKind.BATCH))
        .add(new Layer.Activation(ActivationKind.RELU))
        .add(new Layer.GlobalAvgPool())
        .add(new Layer.Linear(numClasses, true))
        .build();
  }

  private static Layer.Cell cell(int[] choices, int channels) {
    List<Layer.Edge> edges = new ArrayList<>();
    for (int e = 0; e < EDGES.length; e++) {
      Preconditions.checkArgument(
          choices[e] >= 0 && choices[e] < OPERATIONS.size(),
          "edge %s: operation must be in [0, %s), but was %s",
          e,
          OPERATIONS.size(),
          choices[e]);
      List<Layer> layers =
          switch (OPERATIONS.get(choices[e])) {
            case "none" -> null;
            case "skip_connect" -> List.of();
            case "nor_conv_1x1" -> reluConvBn(channels, 1, 1);
            case "nor_conv_3x3" -> reluConvBn(channels, 3, 1);
            default -> List.<Layer>of(new Layer.Pool(PoolKind.AVG, 3, 1, 1));
          };
      if (layers != null) {
        edges.add(new Layer.Edge(EDGES[e][0], EDGES[e][1], layers));
      }
    }
    return new Layer.Cell(4, edges);
  }

  private static List<Layer> reluConvBn(int filters, int kernel, int stride) {
    return List.of(
        new Layer.Activation(ActivationKind.RELU),
        Layer.Conv2d.of(filters, kernel, stride),
        Layer.Norm.of(NormKind.BATCH));
  }

  /** The residual reduction block to {@code channels}, as a three-node cell. */
  private static Layer.Cell reduction(int channels) {
    return new Layer.Cell(
        3,
        List.of(
            new Layer.Edge(0, 1, reluConvBn(channels, 3, 2)),
            new Layer.Edge(1, 2, reluConvBn(channels, 3, 1)),
            new Layer.Edge(
                0,
                2,
                List.of(new Layer.Pool(PoolKind.AVG, 2, 2, 0), Layer.Conv2d.of(channels, 1, 1)))));
  }

  @Override
  public Optional<int[]> choices(Architecture architecture) {
    return index.choices(architecture);
  }

  /** The benchmark's notation of a choice vector, {@code |op~0|+|op~0|op~1|+|op~0|op~1|op~2|}. */
  public static String arch(int[] choices) {
    StringBuilder text = new StringBuilder("|");
    for (int e = 0; e < EDGES.length; e++) {
      if (e == 1 || e == 3) {
        text.append("+|");
      }
      text.append(OPERATIONS.get(choices[e])).append('~').append(EDGES[e][0]).append('|');
    }
    return text.toString();
  }

  /**
   * The choice vector of the benchmark's notation.
   *
   * @throws IllegalArgumentException naming the part that is not an edge of the notation
   */
  public static int[] parse(String arch) {
    String[] parts = arch.replace("+", "").split("\\|");
    List<String> ops = new ArrayList<>();
    for (String part : parts) {
      if (!part.isEmpty()) {
        ops.add(part);
      }
    }
    Preconditions.checkArgument(
        ops.size() == EDGES.length,
        "a NAS-Bench-201 cell has %s edges, but '%s' has %s",
        EDGES.length,
        arch,
        ops.size());
    int[] choices = new int[EDGES.length];
    for (int e = 0; e < EDGES.length; e++) {
      String expected = "~" + EDGES[e][0];
      String op = ops.get(e);
      Preconditions.checkArgument(
          op.endsWith(expected)
              && OPERATIONS.contains(op.substring(0, op.length() - expected.length())),
          "edge %s of '%s' must be <operation>%s with an operation of %s, but was '%s'",
          e,
          arch,
          expected,
          OPERATIONS,
          op);
      choices[e] = OPERATIONS.indexOf(op.substring(0, op.length() - expected.length()));
    }
    return choices;
  }

  @Override
  public String describe() {
    return """
        NAS-Bench-201 cell space: one cell of 4 nodes (node 0 its input, node 3 its output) and 6 \
        edges 0->1, 0->2, 1->2, 0->3, 1->3, 2->3, repeated 5 times in each of 3 stages (16, 32, 64 \
        channels) of a fixed network.
        Each edge is one of: none (no edge), skip_connect (Edge(i, j) without layers), \
        nor_conv_1x1 or nor_conv_3x3 (ReLU, convolution with the cell's channels, batch norm), \
        avg_pool_3x3 (average pooling 3x3, stride 1, padding 1).
        Only the 6 edge operations may change; all 15 cells share them.""";
  }

  @Override
  public String toString() {
    return "NAS-Bench-201";
  }
}
