package io.flnas.space;

import io.flnas.DesignerException;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * {@link LayerwiseSpace#sample}: draws conv blocks (some depthwise-separable, some wrapped in a
 * residual), pooling and dropout, then a global-pooling head, until the draw is valid. The order of
 * the draws is part of every seeded search's history: change it and seeded runs change.
 */
final class LayerwiseSampler {
  private LayerwiseSampler() {}

  static Architecture sample(LayerwiseSpace space, Random random, Shape input, int numClasses) {
    List<Violation> last = List.of();
    for (int attempt = 0; attempt < 200; attempt++) {
      Architecture candidate = draw(space, random, input, numClasses);
      last = space.validate(candidate);
      if (last.isEmpty()) {
        return candidate;
      }
    }
    throw new DesignerException(
        "could not sample a valid architecture for input "
            + input
            + " from this search space; last problems: "
            + last);
  }

  private static Architecture draw(
      LayerwiseSpace space, Random random, Shape input, int numClasses) {
    int convs =
        space.minConvLayers() + random.nextInt(space.maxConvLayers() - space.minConvLayers() + 1);
    NormKind globalNorm = pick(random, List.copyOf(space.norms()));
    ActivationKind globalAct = pick(random, List.copyOf(space.activations()));
    boolean mixed = random.nextDouble() < 0.25;
    List<Layer> layers = new ArrayList<>();
    int channels = input.channels();
    int size = Math.min(input.height(), input.width());
    int made = 0;
    while (made < convs) {
      int filter = pick(random, List.copyOf(space.filters()));
      int kernel = pick(random, List.copyOf(space.kernels()));
      int stride = space.strides().contains(2) && size >= 8 && random.nextDouble() < 0.3 ? 2 : 1;
      if (!space.strides().contains(stride)) {
        stride = space.strides().first();
      }
      NormKind norm = mixed ? pick(random, List.copyOf(space.norms())) : globalNorm;
      ActivationKind act = mixed ? pick(random, List.copyOf(space.activations())) : globalAct;
      List<Layer> block = new ArrayList<>();
      if (space.depthwiseAllowed()
          && made > 0
          && made + 2 <= convs
          && space.kernels().contains(1)
          && space.filters().contains(channels)
          && random.nextDouble() < 0.15) {
        block.add(new Layer.Conv2d(channels, kernel, stride, kernel / 2, channels, false));
        block.add(norm(norm, channels));
        block.add(new Layer.Activation(act));
        block.add(new Layer.Conv2d(filter, 1, 1, 0, 1, false));
        block.add(norm(norm, filter));
        made += 2;
      } else {
        block.add(new Layer.Conv2d(filter, kernel, stride, kernel / 2, 1, false));
        block.add(norm(norm, filter));
        made += 1;
      }
      if (space.residualAllowed() && random.nextDouble() < 0.3) {
        boolean keeps = stride == 1 && filter == channels;
        layers.add(keeps ? Layer.Residual.identity(block) : Layer.Residual.projection(block));
      } else {
        layers.addAll(block);
      }
      layers.add(new Layer.Activation(act));
      channels = filter;
      size = (size - 1) / stride + 1;
      if (!space.pools().isEmpty() && size >= 4 && random.nextDouble() < 0.35) {
        int k = pick(random, List.copyOf(space.poolKernels()));
        layers.add(new Layer.Pool(pick(random, List.copyOf(space.pools())), k, 2, 0));
        size = (size - k) / 2 + 1;
      }
      if (random.nextDouble() < 0.15) {
        dropout(space, random).ifPresent(layers::add);
      }
    }
    layers.add(new Layer.GlobalAvgPool());
    if (space.maxHiddenLinear() > 0 && !space.headUnits().isEmpty() && random.nextDouble() < 0.3) {
      layers.add(new Layer.Linear(pick(random, List.copyOf(space.headUnits())), true));
      layers.add(new Layer.Activation(globalAct));
    }
    if (random.nextDouble() < 0.4) {
      dropout(space, random).ifPresent(layers::add);
    }
    layers.add(new Layer.Linear(numClasses, true));
    return new Architecture("", input, numClasses, layers);
  }

  private static Optional<Layer> dropout(LayerwiseSpace space, Random random) {
    List<Double> rates =
        space.dropoutRates().stream().filter(r -> r > 0).collect(Collectors.toList());
    return rates.isEmpty() ? Optional.empty() : Optional.of(new Layer.Dropout(pick(random, rates)));
  }

  private static Layer norm(NormKind kind, int channels) {
    if (kind == NormKind.GROUP) {
      for (int groups : new int[] {8, 4, 2}) {
        if (channels % groups == 0) {
          return new Layer.Norm(kind, groups);
        }
      }
      return new Layer.Norm(NormKind.LAYER, 1);
    }
    return Layer.Norm.of(kind);
  }

  /** One of {@code values}, uniformly. */
  static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
