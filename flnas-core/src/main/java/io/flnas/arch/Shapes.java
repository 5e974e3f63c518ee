package io.flnas.arch;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape inference and the analytic cost of an architecture in one walk over its layers, so the
 * shape rules, the parameter count, the MACs and the activation memory can never disagree.
 *
 * <p>Walking stops at the first shape violation of a layer list: what follows would only repeat the
 * same error in other words.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * What one walk found: the output shape, each top-level layer's output, the input shape of every
   * layer reached keyed by its path ({@code "layers[4].body[1]"}), violations and cost.
   */
  public record Report(
      Shape output,
      List<Shape> layerOutputs,
      java.util.Map<String, Shape> inputs,
      List<Violation> violations,
      long parameters,
      long buffers,
      long macs,
      long peakActivations,
      long totalActivations) {
    public Report {
      layerOutputs = List.copyOf(layerOutputs);
      inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
      violations = List.copyOf(violations);
    }

    public boolean valid() {
      return violations.isEmpty();
    }
  }

  /** Walks the architecture; never throws for a shape problem, it is reported as a violation. */
  public static Report infer(Architecture architecture) {
    Walker walker = new Walker();
    List<Shape> outputs = new ArrayList<>();
    Shape out = walker.walk(architecture.layers(), architecture.input(), "layers", outputs);
    if (walker.violations.isEmpty()) {
      boolean matches = out.flat() && out.channels() == architecture.numClasses();
      if (!matches) {
        walker.violations.add(
            new Violation(
                "architecture",
                "the output must be a vector of "
                    + architecture.numClasses()
                    + " class scores (end with global_avg_pool or flatten, then linear with "
                    + architecture.numClasses()
                    + " units)",
                out.toString()));
      }
    }
    return new Report(
        out,
        outputs,
        walker.inputs,
        walker.violations,
        walker.parameters,
        walker.buffers,
        walker.macs,
        walker.peak,
        walker.total);
  }

  /**
   * The stride of a projection shortcut: the product of the strides of the body's convolutions and
   * poolings, as in torchvision's ResNet downsample.
   */
  public static int projectionStride(Layer.Residual residual) {
    int stride = 1;
    for (Layer layer : residual.body()) {
      if (layer instanceof Layer.Conv2d conv) {
        stride *= conv.stride();
      } else if (layer instanceof Layer.Pool pool) {
        stride *= pool.stride();
      } else if (layer instanceof Layer.Residual inner) {
        stride *= projectionStride(inner);
      }
    }
    return stride;
  }

  private static final class Walker {
    final List<Violation> violations = new ArrayList<>();
    final java.util.Map<String, Shape> inputs = new java.util.LinkedHashMap<>();
    long parameters;
    long buffers;
    long macs;
    long peak;
    long total;

    Shape walk(List<Layer> layers, Shape in, String path, List<Shape> outputs) {
      Shape shape = in;
      for (int i = 0; i < layers.size(); i++) {
        Layer layer = layers.get(i);
        String where = path + "[" + i + "] (" + layer.type() + ")";
        int before = violations.size();
        inputs.put(path + "[" + i + "]", shape);
        Shape next = step(layer, shape, where, path + "[" + i + "]");
        if (violations.size() > before) {
          return shape;
        }
        if (!(layer instanceof Layer.Residual) && !(layer instanceof Layer.Cell)) {
          peak = Math.max(peak, shape.size() + next.size());
          total += next.size();
        }
        if (outputs != null) {
          outputs.add(next);
        }
        shape = next;
      }
      return shape;
    }

    private Shape step(Layer layer, Shape in, String where, String path) {
      if (layer instanceof Layer.Conv2d conv) {
        return conv(conv, in, where);
      } else if (layer instanceof Layer.Norm norm) {
        return norm(norm, in, where);
      } else if (layer instanceof Layer.Activation || layer instanceof Layer.Dropout) {
        return in;
      } else if (layer instanceof Layer.Pool pool) {
        return pool(pool, in, where);
      } else if (layer instanceof Layer.GlobalAvgPool) {
        if (in.flat()) {
          return fail(where, "global_avg_pool needs a feature map, not a vector", in);
        }
        return Shape.vector(in.channels());
      } else if (layer instanceof Layer.Flatten) {
        return Shape.vector(Math.toIntExact(in.size()));
      } else if (layer instanceof Layer.Linear linear) {
        if (!in.flat()) {
          return fail(where, "linear needs a vector: put flatten or global_avg_pool before it", in);
        }
        parameters += (long) in.channels() * linear.units() + (linear.bias() ? linear.units() : 0);
        macs += (long) in.channels() * linear.units();
        return Shape.vector(linear.units());
      } else if (layer instanceof Layer.Residual residual) {
        return residual(residual, in, where, path);
      } else if (layer instanceof Layer.Cell cell) {
        return cell(cell, in, where, path);
      }
      throw new IllegalStateException("unknown layer " + layer);
    }

    private Shape conv(Layer.Conv2d conv, Shape in, String where) {
      if (in.flat()) {
        return fail(where, "conv2d needs a feature map, not a vector", in);
      }
      if (in.channels() % conv.groups() != 0 || conv.filters() % conv.groups() != 0) {
        return fail(
            where,
            "groups must divide both input channels ("
                + in.channels()
                + ") and filters ("
                + conv.filters()
                + ")",
            "groups " + conv.groups());
      }
      int h = outSize(in.height(), conv.kernel(), conv.stride(), conv.padding());
      int w = outSize(in.width(), conv.kernel(), conv.stride(), conv.padding());
      if (h < 1 || w < 1) {
        return fail(
            where,
            "spatial size falls below 1 (input "
                + in
                + ", kernel "
                + conv.kernel()
                + ", stride "
                + conv.stride()
                + ", padding "
                + conv.padding()
                + ")",
            h + "x" + w);
      }
      long perPosition = (long) conv.kernel() * conv.kernel() * (in.channels() / conv.groups());
      parameters += perPosition * conv.filters() + (conv.bias() ? conv.filters() : 0);
      macs += perPosition * conv.filters() * h * w;
      return Shape.image(conv.filters(), h, w);
    }

    private Shape norm(Layer.Norm norm, Shape in, String where) {
      if (norm.kind() == NormKind.NONE) {
        return in;
      }
      if (norm.kind() == NormKind.GROUP && in.channels() % norm.groups() != 0) {
        return fail(
            where,
            "group norm groups must divide the channels (" + in.channels() + ")",
            "groups " + norm.groups());
      }
      if (norm.kind() == NormKind.INSTANCE && in.flat()) {
        return fail(where, "instance norm needs a feature map, not a vector", in);
      }
      parameters += 2L * in.channels();
      if (norm.kind() == NormKind.BATCH) {
        buffers += 2L * in.channels();
      }
      return in;
    }

    private Shape pool(Layer.Pool pool, Shape in, String where) {
      if (in.flat()) {
        return fail(where, "pooling needs a feature map, not a vector", in);
      }
      if (pool.padding() * 2 > pool.kernel()) {
        return fail(
            where,
            "pool padding must be at most half the kernel (" + pool.kernel() + ")",
            "padding " + pool.padding());
      }
      int h = outSize(in.height(), pool.kernel(), pool.stride(), pool.padding());
      int w = outSize(in.width(), pool.kernel(), pool.stride(), pool.padding());
      if (h < 1 || w < 1) {
        return fail(
            where,
            "spatial size falls below 1 (input "
                + in
                + ", kernel "
                + pool.kernel()
                + ", stride "
                + pool.stride()
                + ")",
            h + "x" + w);
      }
      return Shape.image(in.channels(), h, w);
    }

    private Shape residual(Layer.Residual residual, Shape in, String where, String path) {
      long outerPeak = peak;
      peak = 0;
      int before = violations.size();
      Shape out = walk(residual.body(), in, path + ".body", null);
      long bodyPeak = peak;
      peak = outerPeak;
      if (violations.size() > before) {
        return in;
      }
      long shortcutSize = 0;
      if (residual.shortcut() == Shortcut.IDENTITY) {
        if (!out.equals(in)) {
          return fail(
              where,
              "identity shortcut needs the body to keep the shape "
                  + in
                  + "; use a projection shortcut",
              out);
        }
      } else {
        if (in.flat() || out.flat()) {
          return fail(where, "projection shortcut needs feature maps", out);
        }
        int stride = projectionStride(residual);
        int h = outSize(in.height(), 1, stride, 0);
        int w = outSize(in.width(), 1, stride, 0);
        if (h != out.height() || w != out.width()) {
          return fail(
              where,
              "projection shortcut (1x1, stride "
                  + stride
                  + ") gives "
                  + h
                  + "x"
                  + w
                  + " but the body gives "
                  + out.height()
                  + "x"
                  + out.width(),
              out);
        }
        parameters += (long) in.channels() * out.channels();
        macs += (long) in.channels() * out.channels() * h * w;
        if (residual.projectionNorm() != NormKind.NONE) {
          parameters += 2L * out.channels();
          if (residual.projectionNorm() == NormKind.BATCH) {
            buffers += 2L * out.channels();
          }
        }
        shortcutSize = out.size();
      }
      // The block input stays alive while the body runs; at the sum, body and shortcut outputs
      // meet.
      peak = Math.max(peak, Math.max(bodyPeak + in.size(), 2 * out.size() + shortcutSize));
      return out;
    }

    /**
     * A cell's nodes in order: each is the sum of its incoming edges, which must agree in shape; a
     * node without incoming edges is zeros of the input's shape. Every node stays alive until the
     * last edge leaving it has run, which the activation peak counts.
     */
    private Shape cell(Layer.Cell cell, Shape in, String where, String path) {
      int nodes = cell.nodes();
      Shape[] shapes = new Shape[nodes];
      shapes[0] = in;
      long outerPeak = peak;
      long cellPeak = 0;
      int before = violations.size();
      for (int node = 1; node < nodes; node++) {
        long live = 0;
        for (int earlier = 0; earlier < node; earlier++) {
          live += shapes[earlier].size();
        }
        for (int e = 0; e < cell.edges().size(); e++) {
          Layer.Edge edge = cell.edges().get(e);
          if (edge.to() != node) {
            continue;
          }
          String edgePath = path + ".edges[" + e + "]";
          Shape out = shapes[edge.from()];
          if (!edge.layers().isEmpty()) {
            peak = 0;
            out = walk(edge.layers(), shapes[edge.from()], edgePath + ".layers", null);
            cellPeak = Math.max(cellPeak, peak + live);
            if (violations.size() > before) {
              peak = outerPeak;
              return in;
            }
          }
          if (shapes[node] != null && !shapes[node].equals(out)) {
            peak = outerPeak;
            return fail(
                where + " edge " + edge.from() + "->" + edge.to(),
                "edges into node "
                    + node
                    + " must agree in shape, but another gives "
                    + shapes[node],
                out);
          }
          shapes[node] = out;
        }
        if (shapes[node] == null) {
          shapes[node] = in; // no incoming edge: zeros of the input's shape
        }
      }
      peak = Math.max(outerPeak, cellPeak);
      return shapes[nodes - 1];
    }

    private Shape fail(String where, String rule, Object value) {
      violations.add(new Violation(where, rule, String.valueOf(value)));
      return null;
    }

    private static int outSize(int size, int kernel, int stride, int padding) {
      int span = size + 2 * padding - kernel;
      return span < 0 ? 0 : span / stride + 1;
    }
  }
}
