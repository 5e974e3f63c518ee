package io.flnas.space;

import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.Shapes;
import io.flnas.arch.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LayerwiseSpace#validate}: the space's rules per layer (each violation names the layer by
 * its path, the rule and the value), then the counts of conv2d and hidden linear layers, then the
 * shape rules of {@link Shapes#infer}.
 */
final class LayerwiseValidation {
  private LayerwiseValidation() {}

  static List<Violation> validate(LayerwiseSpace space, Architecture architecture) {
    List<Violation> violations = new ArrayList<>();
    int[] hidden = {0};
    checkLayers(
        space, architecture.layers(), "layers", violations, hidden, architecture.numClasses());
    int convs = architecture.convLayerCount();
    if (convs < space.minConvLayers() || convs > space.maxConvLayers()) {
      violations.add(
          new Violation(
              "architecture",
              "number of conv2d layers must be between "
                  + space.minConvLayers()
                  + " and "
                  + space.maxConvLayers(),
              String.valueOf(convs)));
    }
    if (hidden[0] > space.maxHiddenLinear()) {
      violations.add(
          new Violation(
              "architecture",
              "at most " + space.maxHiddenLinear() + " hidden linear layers before the classifier",
              String.valueOf(hidden[0])));
    }
    violations.addAll(Shapes.infer(architecture).violations());
    return violations;
  }

  private static void checkLayers(
      LayerwiseSpace space,
      List<Layer> layers,
      String path,
      List<Violation> out,
      int[] hidden,
      int classes) {
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String where = path + "[" + i + "] (" + layer.type() + ")";
      if (layer instanceof Layer.Conv2d c) {
        require(
            space.filters().contains(c.filters()),
            where,
            "filters must be one of " + space.filters(),
            c.filters(),
            out);
        require(
            space.kernels().contains(c.kernel()),
            where,
            "kernel must be one of " + space.kernels(),
            c.kernel(),
            out);
        require(
            space.strides().contains(c.stride()),
            where,
            "stride must be one of " + space.strides(),
            c.stride(),
            out);
        require(
            c.padding() <= c.kernel() / 2,
            where,
            "padding must be at most kernel/2 (" + c.kernel() / 2 + ")",
            c.padding(),
            out);
        require(
            c.groups() == 1 || space.depthwiseAllowed(),
            where,
            "grouped or depthwise convolution is not allowed (groups must be 1)",
            c.groups(),
            out);
      } else if (layer instanceof Layer.Norm n) {
        require(
            space.norms().contains(n.kind()),
            where,
            "normalization must be one of " + LayerwiseDescription.keys(space.norms()),
            n.kind().key(),
            out);
      } else if (layer instanceof Layer.Activation a) {
        require(
            space.activations().contains(a.kind()),
            where,
            "activation must be one of " + LayerwiseDescription.keys(space.activations()),
            a.kind().key(),
            out);
      } else if (layer instanceof Layer.Pool p) {
        require(
            space.pools().contains(p.kind()),
            where,
            "pooling must be one of " + LayerwiseDescription.keys(space.pools()),
            p.kind().key(),
            out);
        require(
            space.poolKernels().contains(p.kernel()),
            where,
            "pool kernel must be one of " + space.poolKernels(),
            p.kernel(),
            out);
      } else if (layer instanceof Layer.Dropout d) {
        boolean allowed =
            space.dropoutRates().stream().anyMatch(r -> Math.abs(r - d.rate()) < 1e-9);
        require(
            allowed, where, "dropout rate must be one of " + space.dropoutRates(), d.rate(), out);
      } else if (layer instanceof Layer.Linear l) {
        boolean last = path.equals("layers") && isLastLinear(layers, i);
        if (!last) {
          hidden[0]++;
          require(
              space.headUnits().contains(l.units()),
              where,
              "hidden linear units must be one of " + space.headUnits(),
              l.units(),
              out);
        } else {
          require(
              l.units() == classes,
              where,
              "the classifier must have " + classes + " units",
              l.units(),
              out);
        }
      } else if (layer instanceof Layer.Residual r) {
        require(space.residualAllowed(), where, "residual blocks are not allowed", "residual", out);
        require(
            r.projectionNorm() == NormKind.NONE || space.norms().contains(r.projectionNorm()),
            where,
            "projection normalization must be one of " + LayerwiseDescription.keys(space.norms()),
            r.projectionNorm().key(),
            out);
        checkLayers(space, r.body(), path + "[" + i + "].body", out, hidden, classes);
      } else if (layer instanceof Layer.Cell) {
        require(
            false,
            where,
            "cells belong to cell-based spaces, not to this layer-wise one",
            "cell",
            out);
      }
    }
  }

  private static boolean isLastLinear(List<Layer> layers, int index) {
    for (int j = index + 1; j < layers.size(); j++) {
      if (layers.get(j) instanceof Layer.Linear) {
        return false;
      }
    }
    return true;
  }

  private static void require(
      boolean ok, String where, String rule, Object value, List<Violation> out) {
    if (!ok) {
      out.add(new Violation(where, rule, String.valueOf(value)));
    }
  }
}
