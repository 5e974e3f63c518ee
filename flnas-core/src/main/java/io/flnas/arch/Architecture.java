package io.flnas.arch;

import com.google.common.base.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An immutable description of a CNN: the input shape of one sample, the number of classes and an
 * ordered list of {@link Layer}s. It is data, never code. Two architectures with the same input,
 * classes and layers are equal and have the same {@link #hash()}; the {@code name} is a label for
 * reports and does not take part in equality of structure ({@link #sameStructure}) or the hash.
 *
 * <pre>{@code
 * Architecture cnn = Architecture.builder(Shape.image(3, 64, 64), 8)
 *     .add(Layer.Conv2d.of(32, 3, 1)).add(Layer.Norm.of(NormKind.BATCH))
 *     .add(new Layer.Activation(ActivationKind.RELU))
 *     .add(new Layer.GlobalAvgPool()).add(new Layer.Linear(8, true))
 *     .build();
 * }</pre>
 */
public record Architecture(String name, Shape input, int numClasses, List<Layer> layers) {
  public Architecture {
    Preconditions.checkArgument(name != null, "name must not be null");
    Preconditions.checkArgument(input != null, "input shape must not be null");
    Preconditions.checkArgument(!input.flat(), "input must be an image shape, but was %s", input);
    Preconditions.checkArgument(numClasses > 1, "numClasses must be > 1, but was %s", numClasses);
    Preconditions.checkArgument(layers != null && !layers.isEmpty(), "layers must not be empty");
    layers = List.copyOf(layers);
  }

  public static Builder builder(Shape input, int numClasses) {
    return new Builder(input, numClasses);
  }

  /** A copy with another label. */
  public Architecture withName(String newName) {
    return new Architecture(newName, input, numClasses, layers);
  }

  /** A copy with other layers, same input, classes and name. */
  public Architecture withLayers(List<Layer> newLayers) {
    return new Architecture(name, input, numClasses, newLayers);
  }

  /** Stable content hash (hex SHA-256 of the canonical JSON without the name). */
  public String hash() {
    return ArchitectureJson.hash(this);
  }

  /** Equal input, classes and layers, whatever the names. */
  public boolean sameStructure(Architecture other) {
    return input.equals(other.input)
        && numClasses == other.numClasses
        && layers.equals(other.layers);
  }

  /** Number of convolution layers, counting those inside residual bodies (not projections). */
  public int convLayerCount() {
    int[] count = {0};
    forEachLayer(
        layer -> {
          if (layer instanceof Layer.Conv2d) {
            count[0]++;
          }
        });
    return count[0];
  }

  /** Visits every layer depth first, residual composites before their bodies. */
  public void forEachLayer(Consumer<Layer> visitor) {
    visit(layers, visitor);
  }

  private static void visit(List<Layer> layers, Consumer<Layer> visitor) {
    for (Layer layer : layers) {
      visitor.accept(layer);
      if (layer instanceof Layer.Residual residual) {
        visit(residual.body(), visitor);
      } else if (layer instanceof Layer.Cell cell) {
        cell.edges().forEach(edge -> visit(edge.layers(), visitor));
      }
    }
  }

  /**
   * A one-line summary such as {@code c3x3/32 bn relu maxpool2 res(c3x3/32 bn) gap fc8}: kernel and
   * filters per conv ({@code dw} for depthwise, {@code s2} for stride 2), norm initials, pooling,
   * residual bodies in parentheses.
   */
  public String summary() {
    StringBuilder text = new StringBuilder();
    summarize(layers, text);
    return text.toString();
  }

  private static void summarize(List<Layer> layers, StringBuilder text) {
    for (Layer layer : layers) {
      if (!text.isEmpty() && text.charAt(text.length() - 1) != '(') {
        text.append(' ');
      }
      if (layer instanceof Layer.Conv2d c) {
        text.append(c.groups() > 1 && c.groups() == c.filters() ? "dw" : "c")
            .append(c.kernel())
            .append('x')
            .append(c.kernel())
            .append('/')
            .append(c.filters())
            .append(c.stride() > 1 ? "s" + c.stride() : "");
      } else if (layer instanceof Layer.Norm n) {
        text.append(n.kind() == NormKind.NONE ? "nonorm" : n.kind().key().charAt(0) + "n");
      } else if (layer instanceof Layer.Activation a) {
        text.append(a.kind().key());
      } else if (layer instanceof Layer.Pool p) {
        text.append(p.kind().key()).append("pool").append(p.kernel());
      } else if (layer instanceof Layer.GlobalAvgPool) {
        text.append("gap");
      } else if (layer instanceof Layer.Flatten) {
        text.append("flatten");
      } else if (layer instanceof Layer.Dropout d) {
        text.append("drop").append(d.rate());
      } else if (layer instanceof Layer.Linear l) {
        text.append("fc").append(l.units());
      } else if (layer instanceof Layer.Residual r) {
        text.append(r.shortcut() == Shortcut.IDENTITY ? "res(" : "resproj(");
        summarize(r.body(), text);
        text.append(')');
      } else if (layer instanceof Layer.Cell cell) {
        text.append("cell(");
        for (Layer.Edge edge : cell.edges()) {
          if (text.charAt(text.length() - 1) != '(') {
            text.append(' ');
          }
          text.append(edge.from()).append('>').append(edge.to()).append(':');
          if (edge.layers().isEmpty()) {
            text.append("skip");
          } else {
            StringBuilder ops = new StringBuilder();
            summarize(edge.layers(), ops);
            text.append(ops.toString().replace(' ', '-'));
          }
        }
        text.append(')');
      }
    }
  }

  /** Collects layers in order; {@link #build()} checks only what {@link Architecture} checks. */
  public static final class Builder {
    private final Shape input;
    private final int numClasses;
    private final List<Layer> layers = new ArrayList<>();
    private String name = "";

    private Builder(Shape input, int numClasses) {
      this.input = input;
      this.numClasses = numClasses;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder add(Layer layer) {
      Preconditions.checkArgument(layer != null, "layer must not be null");
      layers.add(layer);
      return this;
    }

    public Builder addAll(List<? extends Layer> more) {
      more.forEach(this::add);
      return this;
    }

    public Architecture build() {
      return new Architecture(name, input, numClasses, layers);
    }
  }
}
