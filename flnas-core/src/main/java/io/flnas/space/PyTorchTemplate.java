package io.flnas.space;

import io.flnas.TemplateParseException;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import io.flnas.arch.Shape;
import io.flnas.arch.Shapes;
import io.flnas.arch.Shortcut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paper's template: a PyTorch {@code nn.Sequential(...)} expression. Parsing reads the text as
 * data with {@link PythonCallParser}, a small recursive-descent parser over calls, numbers, strings
 * and booleans; it never evaluates Python. Residual blocks use the pseudo-module {@code
 * Residual(nn.Sequential(...), shortcut='identity'|'projection')}. Declared input channels ({@code
 * nn.Conv2d(in, out, ...)}, {@code nn.Linear(in, out)}, {@code nn.BatchNorm2d(c)}) are checked
 * against the channels the previous layers produce.
 */
final class PyTorchTemplate implements Template {
  static final PyTorchTemplate INSTANCE = new PyTorchTemplate();

  private PyTorchTemplate() {}

  @Override
  public String name() {
    return "pytorch";
  }

  @Override
  public String render(Architecture architecture) {
    Map<String, Shape> inputs = Shapes.infer(architecture).inputs();
    StringBuilder out = new StringBuilder();
    renderSequential(architecture.layers(), "layers", inputs, out, 0);
    return out.toString();
  }

  private static void renderSequential(
      List<Layer> layers, String path, Map<String, Shape> inputs, StringBuilder out, int depth) {
    String indent = "    ".repeat(depth + 1);
    out.append("nn.Sequential(\n");
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String here = path + "[" + i + "]";
      Shape in = inputs.get(here);
      String channels = in == null ? "?" : String.valueOf(in.channels());
      out.append(indent);
      if (layer instanceof Layer.Conv2d c) {
        out.append(
            String.format(
                "nn.Conv2d(%s, %d, kernel_size=%d, stride=%d, padding=%d%s, bias=%s)",
                channels,
                c.filters(),
                c.kernel(),
                c.stride(),
                c.padding(),
                c.groups() == 1 ? "" : ", groups=" + c.groups(),
                c.bias() ? "True" : "False"));
      } else if (layer instanceof Layer.Norm n) {
        boolean flat = in != null && in.flat();
        switch (n.kind()) {
          case BATCH ->
              out.append(flat ? "nn.BatchNorm1d(" : "nn.BatchNorm2d(").append(channels).append(')');
          case GROUP ->
              out.append("nn.GroupNorm(")
                  .append(n.groups())
                  .append(", ")
                  .append(channels)
                  .append(')');
          case LAYER ->
              out.append(
                  flat ? "nn.LayerNorm(" + channels + ")" : "nn.GroupNorm(1, " + channels + ")");
          case INSTANCE ->
              out.append("nn.InstanceNorm2d(").append(channels).append(", affine=True)");
          case NONE -> out.append("nn.Identity()");
        }
      } else if (layer instanceof Layer.Activation a) {
        out.append(
            switch (a.kind()) {
              case RELU -> "nn.ReLU()";
              case RELU6 -> "nn.ReLU6()";
              case LEAKY_RELU -> "nn.LeakyReLU(0.01)";
              case GELU -> "nn.GELU()";
              case SILU -> "nn.SiLU()";
            });
      } else if (layer instanceof Layer.Pool p) {
        out.append(
            String.format(
                "nn.%s(kernel_size=%d, stride=%d, padding=%d)",
                p.kind() == PoolKind.MAX ? "MaxPool2d" : "AvgPool2d",
                p.kernel(),
                p.stride(),
                p.padding()));
      } else if (layer instanceof Layer.GlobalAvgPool) {
        out.append("nn.AdaptiveAvgPool2d(1),\n").append(indent).append("nn.Flatten()");
      } else if (layer instanceof Layer.Flatten) {
        out.append("nn.Flatten()");
      } else if (layer instanceof Layer.Dropout d) {
        out.append("nn.Dropout(p=").append(d.rate()).append(')');
      } else if (layer instanceof Layer.Linear l) {
        out.append(
            String.format(
                "nn.Linear(%s, %d%s)", channels, l.units(), l.bias() ? "" : ", bias=False"));
      } else if (layer instanceof Layer.Residual r) {
        out.append("Residual(");
        renderSequential(r.body(), here + ".body", inputs, out, depth + 1);
        out.append(", shortcut='").append(r.shortcut().key()).append('\'');
        if (r.shortcut() == Shortcut.PROJECTION && r.projectionNorm() != NormKind.BATCH) {
          out.append(", projection_norm='").append(r.projectionNorm().key()).append('\'');
        }
        out.append(')');
      } else if (layer instanceof Layer.Cell cell) {
        out.append("Cell(nodes=").append(cell.nodes()).append(",\n");
        String edgeIndent = "    ".repeat(depth + 2);
        for (int e = 0; e < cell.edges().size(); e++) {
          Layer.Edge edge = cell.edges().get(e);
          out.append(edgeIndent).append("Edge(").append(edge.from()).append(", ").append(edge.to());
          if (!edge.layers().isEmpty()) {
            out.append(", ");
            renderSequential(
                edge.layers(), here + ".edges[" + e + "].layers", inputs, out, depth + 2);
          }
          out.append("),\n");
        }
        out.append(indent).append(')');
      }
      out.append(",\n");
    }
    out.append("    ".repeat(depth)).append(')');
  }

  @Override
  public String formatInstructions(Shape input, int numClasses) {
    return "Answer with one PyTorch nn.Sequential(...) expression and nothing else. "
        + rules(input, numClasses);
  }

  @Override
  public String formatInstructions(Shape input, int numClasses, int count) {
    return PyTorchBatch.formatInstructions(input, numClasses, count);
  }

  /** What every expression must follow: the data frame, the modules, the channel rule. */
  static String rules(Shape input, int numClasses) {
    return """
        The input is fixed
        to %d channels x %d x %d pixels and the output to %d classes. Use only these modules:
          nn.Conv2d(in, out, kernel_size=K, stride=S, padding=P, groups=G, bias=False)
          nn.BatchNorm2d(C), nn.GroupNorm(G, C), nn.InstanceNorm2d(C, affine=True), nn.Identity()
          nn.ReLU(), nn.ReLU6(), nn.LeakyReLU(0.01), nn.GELU(), nn.SiLU()
          nn.MaxPool2d(kernel_size=K, stride=S, padding=P), nn.AvgPool2d(kernel_size=K, stride=S)
          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(p=R), nn.Linear(in, out)
          Residual(nn.Sequential(...), shortcut='identity' | 'projection')
          Cell(nodes=N, Edge(0, 1, nn.Sequential(...)), Edge(0, 2), Edge(1, 2, ...), ...)
        A Cell is a small graph: node 0 is its input, every later node the sum of the edges into
        it (Edge(i, j) without a Sequential is the identity; a missing edge is zero), and its
        last node its output. Residual adds the body's output to its input (identity) or to a 1x1 conv + batch norm of its
        input (projection, when the body changes channels or size). Every layer's input channels
        must equal the previous layer's output channels. End with nn.AdaptiveAvgPool2d(1),
        nn.Flatten() and nn.Linear(C, %d)."""
        .formatted(input.channels(), input.height(), input.width(), numClasses, numClasses);
  }

  @Override
  public Architecture parse(String reply, Shape input, int numClasses) {
    if (reply == null || reply.isBlank()) {
      throw new TemplateParseException("the reply is empty; answer with an nn.Sequential(...)");
    }
    String text = Replies.unfence(reply, "Sequential");
    int start = text.indexOf("nn.Sequential(");
    if (start < 0) {
      start = text.indexOf("Sequential(");
    }
    if (start < 0) {
      throw new TemplateParseException("no nn.Sequential(...) found in the reply");
    }
    PythonCall root = new PythonCallParser(text, start).call();
    if (!root.name.endsWith("Sequential")) {
      throw new TemplateParseException("expected nn.Sequential(...), but got " + root.name);
    }
    List<Declared> declared = new ArrayList<>();
    List<Layer> layers = toLayers(root, "layers", declared);
    Architecture architecture = new Architecture("", input, numClasses, layers);
    Map<String, Shape> inputs = Shapes.infer(architecture).inputs();
    for (Declared d : declared) {
      Shape actual = inputs.get(d.path);
      if (actual != null && d.channels != actual.channels()) {
        throw new TemplateParseException(
            d.path
                + ": "
                + d.module
                + " declares "
                + d.channels
                + " input channels, but the previous layer produces "
                + actual.channels()
                + " (shape "
                + actual
                + ")");
      }
    }
    return architecture;
  }

  private record Declared(String path, String module, int channels) {}

  private static List<Layer> toLayers(PythonCall sequential, String path, List<Declared> declared) {
    List<Layer> layers = new ArrayList<>();
    List<Object> args = sequential.positional;
    for (int i = 0; i < args.size(); i++) {
      if (!(args.get(i) instanceof PythonCall call)) {
        throw new TemplateParseException(
            path + "[" + layers.size() + "]: expected a module call," + " but got " + args.get(i));
      }
      String here = path + "[" + layers.size() + "]";
      String name = call.name.substring(call.name.lastIndexOf('.') + 1);
      try {
        Layer layer = toLayer(name, call, here, declared);
        if (layer == null) {
          continue;
        }
        layers.add(layer);
        boolean flattenFollows =
            i + 1 < args.size()
                && args.get(i + 1) instanceof PythonCall next
                && next.name.endsWith("Flatten");
        if (layer instanceof Layer.GlobalAvgPool && flattenFollows) {
          i++; // AdaptiveAvgPool2d(1) + Flatten() is one global_avg_pool
        }
      } catch (IllegalArgumentException e) {
        throw new TemplateParseException(here + " (" + call.name + "): " + e.getMessage(), e);
      }
    }
    if (layers.isEmpty()) {
      throw new TemplateParseException(path + ": the Sequential has no layers");
    }
    return layers;
  }

  private static Layer toLayer(String name, PythonCall call, String path, List<Declared> declared) {
    switch (name) {
      case "Conv2d":
        {
          declared.add(new Declared(path, call.name, call.integer(0, "in_channels")));
          int kernel = call.integer(2, "kernel_size");
          return new Layer.Conv2d(
              call.integer(1, "out_channels"),
              kernel,
              call.optionalInt(3, "stride", 1),
              call.optionalInt(4, "padding", 0),
              call.optionalInt(6, "groups", 1),
              call.optionalBool(7, "bias", true));
        }
      case "BatchNorm2d":
      case "BatchNorm1d":
        declared.add(new Declared(path, call.name, call.integer(0, "num_features")));
        return Layer.Norm.of(NormKind.BATCH);
      case "GroupNorm":
        {
          int groups = call.integer(0, "num_groups");
          declared.add(new Declared(path, call.name, call.integer(1, "num_channels")));
          return new Layer.Norm(groups == 1 ? NormKind.LAYER : NormKind.GROUP, groups);
        }
      case "LayerNorm":
        return Layer.Norm.of(NormKind.LAYER);
      case "InstanceNorm2d":
        declared.add(new Declared(path, call.name, call.integer(0, "num_features")));
        return Layer.Norm.of(NormKind.INSTANCE);
      case "Identity":
        return Layer.Norm.of(NormKind.NONE);
      case "ReLU":
        return new Layer.Activation(ActivationKind.RELU);
      case "ReLU6":
        return new Layer.Activation(ActivationKind.RELU6);
      case "LeakyReLU":
        return new Layer.Activation(ActivationKind.LEAKY_RELU);
      case "GELU":
        return new Layer.Activation(ActivationKind.GELU);
      case "SiLU":
      case "Swish":
        return new Layer.Activation(ActivationKind.SILU);
      case "MaxPool2d":
      case "AvgPool2d":
        {
          int kernel = call.integer(0, "kernel_size");
          return new Layer.Pool(
              name.startsWith("Max") ? PoolKind.MAX : PoolKind.AVG,
              kernel,
              call.optionalInt(1, "stride", kernel),
              call.optionalInt(2, "padding", 0));
        }
      case "AdaptiveAvgPool2d":
        {
          int size = call.integer(0, "output_size");
          if (size != 1) {
            throw new IllegalArgumentException(
                "only AdaptiveAvgPool2d(1) is supported, but was " + size);
          }
          return new Layer.GlobalAvgPool();
        }
      case "Flatten":
        return new Layer.Flatten();
      case "Dropout":
      case "Dropout2d":
        return new Layer.Dropout(call.number(0, "p", 0.5));
      case "Linear":
        declared.add(new Declared(path, call.name, call.integer(0, "in_features")));
        return new Layer.Linear(
            call.integer(1, "out_features"), call.optionalBool(2, "bias", true));
      case "Residual":
        {
          if (call.positional.isEmpty()
              || !(call.positional.get(0) instanceof PythonCall body)
              || !body.name.endsWith("Sequential")) {
            throw new IllegalArgumentException("Residual needs an nn.Sequential(...) body");
          }
          Object shortcut = call.keyword.getOrDefault("shortcut", "identity");
          Object norm = call.keyword.getOrDefault("projection_norm", "batch");
          return new Layer.Residual(
              toLayers(body, path + ".body", declared),
              Shortcut.of(String.valueOf(shortcut)),
              NormKind.of(String.valueOf(norm)));
        }
      case "Cell":
        return cell(call, path, declared);
      default:
        throw new IllegalArgumentException(
            "unsupported module '"
                + call.name
                + "'; use only"
                + " the modules listed in the format instructions");
    }
  }

  /**
   * {@code Cell(nodes=N, Edge(from, to[, nn.Sequential(...)]), ...)}. Edges are read in the cell's
   * own order, by target then source, so that each edge's path is the one {@link Shapes} reports.
   */
  private static Layer cell(PythonCall call, String path, List<Declared> declared) {
    record Read(int from, int to, PythonCall body) {}
    List<Read> read = new ArrayList<>();
    for (Object argument : call.positional) {
      if (!(argument instanceof PythonCall edge) || !edge.name.endsWith("Edge")) {
        throw new IllegalArgumentException(
            "Cell takes Edge(from, to[, nn.Sequential(...)])" + " arguments, but got " + argument);
      }
      PythonCall body = null;
      if (edge.positional.size() > 2) {
        if (!(edge.positional.get(2) instanceof PythonCall sequential)
            || !sequential.name.endsWith("Sequential")) {
          throw new IllegalArgumentException(
              "an Edge's layers must be an nn.Sequential(...),"
                  + " but got "
                  + edge.positional.get(2));
        }
        body = sequential;
      }
      read.add(new Read(edge.integer(0, "from"), edge.integer(1, "to"), body));
    }
    read.sort(java.util.Comparator.comparingInt(Read::to).thenComparingInt(Read::from));
    List<Layer.Edge> edges = new ArrayList<>();
    for (int e = 0; e < read.size(); e++) {
      Read r = read.get(e);
      edges.add(
          new Layer.Edge(
              r.from(),
              r.to(),
              r.body() == null
                  ? List.of()
                  : toLayers(r.body(), path + ".edges[" + e + "].layers", declared)));
    }
    return new Layer.Cell(call.integer(Integer.MAX_VALUE, "nodes"), edges);
  }

  @Override
  public List<Parsed> parseAll(String reply, Shape input, int numClasses, int count) {
    return PyTorchBatch.parseAll(reply, input, numClasses, count);
  }

  @Override
  public String toString() {
    return "Templates.pytorch()";
  }
}
