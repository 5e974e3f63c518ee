package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.flnas.InvalidArchitectureException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.Shapes;
import io.flnas.arch.Shortcut;
import io.flnas.djl.train.Precision;
import java.util.List;
import java.util.Map;

/**
 * Turns a core {@link Architecture} into a DJL {@link Block}, layer by layer, so that a DJL model
 * has exactly the core's trainable parameters. Shapes come from the core's {@link Shapes} walk
 * (channels are never inferred twice), so an architecture that is invalid there is refused here.
 *
 * <pre>{@code
 * Block block = ArchitectureBlocks.toBlock(architecture);
 * }</pre>
 */
public final class ArchitectureBlocks {
  private final Precision precision;

  private ArchitectureBlocks(Precision precision) {
    this.precision = precision;
  }

  public static Block toBlock(Architecture architecture) {
    return toBlock(architecture, Precision.FP32);
  }

  /**
   * The block of {@code architecture} computing in {@code precision}: with {@link Precision#BF16}
   * every convolution computes in bfloat16 with fp32 parameters ({@link Bf16Conv2d}; check {@link
   * Bfloat16#unavailableBecause()} first; CPU only: on a GPU its forward pass throws, see {@link
   * Bfloat16}); everything else, and all of {@link Precision#FP32}, in fp32. Parameters are the
   * same either way.
   */
  public static Block toBlock(Architecture architecture, Precision precision) {
    Shapes.Report report = Shapes.infer(architecture);
    if (!report.valid()) {
      throw new InvalidArchitectureException(report.violations());
    }
    return new ArchitectureBlocks(precision)
        .sequential(architecture.layers(), "layers", report.inputs());
  }

  /** Trainable parameters of an initialized block (running statistics excluded). */
  public static long trainableParameters(Block block) {
    long count = 0;
    for (var pair : block.getParameters()) {
      Parameter parameter = pair.getValue();
      if (parameter.requiresGradient()) {
        count += parameter.getArray().size();
      }
    }
    return count;
  }

  private SequentialBlock sequential(
      List<Layer> layers, String path, Map<String, io.flnas.arch.Shape> inputs) {
    SequentialBlock block = new ReleasingSequentialBlock();
    for (int i = 0; i < layers.size(); i++) {
      String here = path + "[" + i + "]";
      block.add(layer(layers.get(i), inputs.get(here), here, inputs));
    }
    return block;
  }

  private Block layer(
      Layer layer, io.flnas.arch.Shape in, String path, Map<String, io.flnas.arch.Shape> inputs) {
    if (layer instanceof Layer.Conv2d c) {
      if (c.kernel() == 1 && c.stride() > 1) {
        return strided1x1(c.filters(), c.stride(), c.padding(), c.groups(), c.bias());
      }
      return conv()
          .setFilters(c.filters())
          .setKernelShape(new ai.djl.ndarray.types.Shape(c.kernel(), c.kernel()))
          .optStride(new ai.djl.ndarray.types.Shape(c.stride(), c.stride()))
          .optPadding(new ai.djl.ndarray.types.Shape(c.padding(), c.padding()))
          .optGroups(c.groups())
          .optBias(c.bias())
          .build();
    } else if (layer instanceof Layer.Norm n) {
      return norm(n.kind(), n.groups(), in.channels());
    } else if (layer instanceof Layer.Activation a) {
      switch (a.kind()) {
        case RELU:
          return Activation.reluBlock();
        case RELU6:
          return new LambdaBlock(list -> new NDList(relu6(list.singletonOrThrow())), "ReLU6");
        case LEAKY_RELU:
          return Activation.leakyReluBlock(0.01f);
        case GELU:
          return Activation.geluBlock();
        case SILU:
          return new LambdaBlock(list -> new NDList(silu(list.singletonOrThrow())), "SiLU");
        default:
          throw new IllegalStateException("unknown activation " + a.kind());
      }
    } else if (layer instanceof Layer.Pool p) {
      var kernel = new ai.djl.ndarray.types.Shape(p.kernel(), p.kernel());
      var stride = new ai.djl.ndarray.types.Shape(p.stride(), p.stride());
      var padding = new ai.djl.ndarray.types.Shape(p.padding(), p.padding());
      return p.kind() == PoolKind.MAX
          ? Pool.maxPool2dBlock(kernel, stride, padding, false)
          : Pool.avgPool2dBlock(kernel, stride, padding, false, true);
    } else if (layer instanceof Layer.GlobalAvgPool) {
      return new ReleasingSequentialBlock()
          .add(Pool.globalAvgPool2dBlock())
          .add(Blocks.batchFlattenBlock());
    } else if (layer instanceof Layer.Flatten) {
      return Blocks.batchFlattenBlock();
    } else if (layer instanceof Layer.Dropout d) {
      return Dropout.builder().optRate((float) d.rate()).build();
    } else if (layer instanceof Layer.Linear l) {
      return Linear.builder().setUnits(l.units()).optBias(l.bias()).build();
    } else if (layer instanceof Layer.Residual r) {
      Block body = sequential(r.body(), path + ".body", inputs);
      Block shortcut;
      if (r.shortcut() == Shortcut.IDENTITY) {
        shortcut = Blocks.identityBlock();
      } else {
        int stride = Shapes.projectionStride(r);
        int outChannels = outputChannels(r.body(), in.channels());
        SequentialBlock projection =
            new ReleasingSequentialBlock()
                .add(
                    stride > 1
                        ? strided1x1(outChannels, stride, 0, 1, false)
                        : conv()
                            .setFilters(outChannels)
                            .setKernelShape(new ai.djl.ndarray.types.Shape(1, 1))
                            .optBias(false)
                            .build());
        if (r.projectionNorm() != NormKind.NONE) {
          projection.add(norm(r.projectionNorm(), 1, outChannels));
        }
        shortcut = projection;
      }
      boolean projected = r.shortcut() != Shortcut.IDENTITY;
      return new ParallelBlock(
          outputs -> {
            NDArray sum = outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow());
            // The body's output and a projection's are the block's own intermediates (see
            // ReleasingSequentialBlock); an identity shortcut's is the block's input, kept.
            ReleasingSequentialBlock.closeUnless(outputs.get(0), outputs.get(1));
            if (projected) {
              outputs.get(1).close();
            }
            return new NDList(sum);
          },
          List.of(body, shortcut));
    } else if (layer instanceof Layer.Cell cell) {
      List<Block> edges = new java.util.ArrayList<>();
      for (int e = 0; e < cell.edges().size(); e++) {
        Layer.Edge edge = cell.edges().get(e);
        edges.add(
            edge.layers().isEmpty()
                ? null
                : sequential(edge.layers(), path + ".edges[" + e + "].layers", inputs));
      }
      return new CellBlock(cell, edges);
    }
    throw new IllegalStateException("unknown layer " + layer);
  }

  /**
   * A 1x1 convolution with a stride above 1, computed as what it is: the input subsampled (every
   * {@code stride}-th row and column, after zero padding) and a 1x1 convolution of stride 1, with
   * the same weights, outputs and gradients. Not handed to libtorch as one strided convolution,
   * because oneDNN's AVX2 1x1 backward-weights kernel (libtorch 2.7.1) computes it through a
   * "reduce to unit stride" workspace that it overruns when the input has fewer channels than its
   * channel block: the weight gradients come out wrong, or a thread spins forever, or the JVM dies
   * with SIGSEGV (oneDNN issue 6035, {@code mb32ic4ih32oc8oh16kh1sh2ph0}). Seen here as trials that
   * hung in {@code jit_avx2_1x1_convolution_bwd_weights_t} on 3-channel stride-2 projections, in
   * NCHW and, more often, in channels-last order. Stride 1 never takes that path.
   */
  private Block strided1x1(int filters, int stride, int padding, int groups, boolean bias) {
    return new ReleasingSequentialBlock()
        .add(
            new LambdaBlock(
                inputs -> new NDList(subsample(inputs.singletonOrThrow(), stride, padding)),
                "subsample"))
        .add(
            conv()
                .setFilters(filters)
                .setKernelShape(new ai.djl.ndarray.types.Shape(1, 1))
                .optGroups(groups)
                .optBias(bias)
                .build());
  }

  /**
   * ReLU6, {@code min(relu(x), 6)}: DJL's {@code Activation.relu6} with the 6 a libtorch-owned
   * scalar instead of a Java-backed one that autograd could read after the JVM freed it ({@link
   * NativeScalar}); the same kernels, the same bits.
   */
  static NDArray relu6(NDArray x) {
    try (NDArray relu = Activation.relu(x);
        NDArray six = NativeScalar.of(x, 6f)) {
      return relu.minimum(six);
    }
  }

  /**
   * SiLU (swish with beta 1), {@code x * sigmoid(x)}: DJL's {@code Activation.swish(x, 1)} computes
   * {@code x * sigmoid(x * 1)} with a Java-backed 1 that autograd keeps for the backward pass and
   * that a garbage collection can free before it ({@link NativeScalar}); without the factor 1 the
   * values and gradients are the same, bit for bit, and nothing Java-backed is left in the graph.
   * Closing an intermediate's handle only drops this reference: autograd keeps what it saved.
   */
  static NDArray silu(NDArray x) {
    try (NDArray sigmoid = Activation.sigmoid(x)) {
      return x.mul(sigmoid);
    }
  }

  /** A convolution builder of this precision. */
  private Conv2d.Builder conv() {
    return precision == Precision.BF16 ? Bf16Conv2d.bf16Builder() : Conv2d.builder();
  }

  /** Every {@code stride}-th row and column of {@code (N, C, H, W)} maps, after zero padding. */
  static NDArray subsample(NDArray maps, int stride, int padding) {
    NDArray padded =
        padding == 0
            ? maps
            : maps.pad(new ai.djl.ndarray.types.Shape(padding, padding, padding, padding), 0);
    ai.djl.ndarray.types.Shape s = padded.getShape();
    return padded.get(
        new NDIndex()
            .addAllDim()
            .addAllDim()
            .addSliceDim(0, s.get(2), stride)
            .addSliceDim(0, s.get(3), stride));
  }

  private static int outputChannels(List<Layer> body, int channels) {
    int out = channels;
    for (Layer layer : body) {
      if (layer instanceof Layer.Conv2d c) {
        out = c.filters();
      } else if (layer instanceof Layer.Residual inner) {
        out = outputChannels(inner.body(), out);
      }
    }
    return out;
  }

  private static Block norm(NormKind kind, int groups, int channels) {
    switch (kind) {
      case BATCH:
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
      case GROUP:
        return new GroupNormBlock(groups, channels);
      case LAYER:
        return new GroupNormBlock(1, channels);
      case INSTANCE:
        return new GroupNormBlock(channels, channels);
      case NONE:
        return Blocks.identityBlock();
      default:
        throw new IllegalStateException("unknown norm " + kind);
    }
  }
}
