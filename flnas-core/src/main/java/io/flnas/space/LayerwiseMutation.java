package io.flnas.space;

import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.PoolKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * {@link LayerwiseSpace#mutate}: single edits from the paper's allowed moves (insert or remove conv
 * layers, change normalization, regularization, kernel sizes) plus filters, activation and pooling.
 * An edit may produce an invalid child; {@link #mutate} validates and retries.
 */
final class LayerwiseMutation {
  private LayerwiseMutation() {}

  /**
   * One random edit, retried until the child is valid and differs from the parent; after 100 failed
   * edits, a fresh sample.
   */
  static Architecture mutate(LayerwiseSpace space, Architecture parent, Random random) {
    for (int attempt = 0; attempt < 100; attempt++) {
      List<Layer> layers = apply(space, parent, random);
      if (layers == null) {
        continue;
      }
      Architecture child = parent.withLayers(layers).withName("");
      if (!child.sameStructure(parent) && space.validate(child).isEmpty()) {
        return child;
      }
    }
    return space.sample(random, parent.input(), parent.numClasses());
  }

  /** One random edit of the parent's layers, or null when the chosen edit does not apply. */
  private static List<Layer> apply(LayerwiseSpace space, Architecture parent, Random random) {
    List<Layer> layers = parent.layers();
    int convs = parent.convLayerCount();
    switch (random.nextInt(8)) {
      case 0:
        {
          int target = random.nextInt(convs);
          int filters = LayerwiseSampler.pick(random, List.copyOf(space.filters()));
          return mapConv(
              layers,
              target,
              c ->
                  new Layer.Conv2d(
                      filters,
                      c.kernel(),
                      c.stride(),
                      c.padding(),
                      c.groups() == 1 ? 1 : filters,
                      c.bias()));
        }
      case 1:
        {
          int target = random.nextInt(convs);
          int kernel = LayerwiseSampler.pick(random, List.copyOf(space.kernels()));
          return mapConv(
              layers,
              target,
              c ->
                  new Layer.Conv2d(
                      c.filters(), kernel, c.stride(), kernel / 2, c.groups(), c.bias()));
        }
      case 2:
        {
          NormKind kind = LayerwiseSampler.pick(random, List.copyOf(space.norms()));
          return map(layers, l -> l instanceof Layer.Norm ? Layer.Norm.of(kind) : l);
        }
      case 3:
        {
          ActivationKind kind = LayerwiseSampler.pick(random, List.copyOf(space.activations()));
          return map(layers, l -> l instanceof Layer.Activation ? new Layer.Activation(kind) : l);
        }
      case 4:
        {
          if (convs >= space.maxConvLayers()) {
            return null;
          }
          int end = featureEnd(layers);
          int at = random.nextInt(end + 1);
          int kernel = LayerwiseSampler.pick(random, List.copyOf(space.kernels()));
          List<Layer> copy = new ArrayList<>(layers);
          copy.addAll(
              at,
              List.of(
                  Layer.Conv2d.of(
                      LayerwiseSampler.pick(random, List.copyOf(space.filters())), kernel, 1),
                  Layer.Norm.of(
                      first(layers, Layer.Norm.class, Layer.Norm.of(NormKind.BATCH)).kind()),
                  first(
                      layers, Layer.Activation.class, new Layer.Activation(ActivationKind.RELU))));
          return copy;
        }
      case 5:
        {
          if (convs <= space.minConvLayers()) {
            return null;
          }
          List<Integer> starts = new ArrayList<>();
          for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Layer.Conv2d || layers.get(i) instanceof Layer.Residual) {
              starts.add(i);
            }
          }
          int at = starts.get(random.nextInt(starts.size()));
          List<Layer> copy = new ArrayList<>(layers);
          copy.remove(at);
          while (at < copy.size()
              && (copy.get(at) instanceof Layer.Norm || copy.get(at) instanceof Layer.Activation)) {
            copy.remove(at);
          }
          return copy;
        }
      case 6:
        {
          List<Double> rates = List.copyOf(space.dropoutRates());
          double rate = LayerwiseSampler.pick(random, rates);
          List<Layer> copy = new ArrayList<>(layers);
          int existing = indexOf(copy, Layer.Dropout.class);
          if (existing >= 0) {
            if (rate == 0.0) {
              copy.remove(existing);
            } else {
              copy.set(existing, new Layer.Dropout(rate));
            }
          } else if (rate > 0) {
            copy.add(copy.size() - 1, new Layer.Dropout(rate));
          }
          return copy;
        }
      default:
        {
          if (space.pools().isEmpty()) {
            return null;
          }
          List<Layer> copy = new ArrayList<>(layers);
          int existing = indexOf(copy, Layer.Pool.class);
          if (existing >= 0 && random.nextBoolean()) {
            copy.remove(existing);
          } else {
            int end = featureEnd(copy);
            List<Integer> afterActivation = new ArrayList<>();
            for (int i = 0; i < end; i++) {
              if (copy.get(i) instanceof Layer.Activation) {
                afterActivation.add(i + 1);
              }
            }
            if (afterActivation.isEmpty()) {
              return null;
            }
            int k = LayerwiseSampler.pick(random, List.copyOf(space.poolKernels()));
            PoolKind kind = LayerwiseSampler.pick(random, List.copyOf(space.pools()));
            copy.add(
                afterActivation.get(random.nextInt(afterActivation.size())),
                new Layer.Pool(kind, k, 2, 0));
          }
          return copy;
        }
    }
  }

  /** Index of the first global pooling or flatten: where the feature extractor ends. */
  private static int featureEnd(List<Layer> layers) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof Layer.GlobalAvgPool || layers.get(i) instanceof Layer.Flatten) {
        return i;
      }
    }
    return layers.size() - 1;
  }

  private static int indexOf(List<Layer> layers, Class<? extends Layer> type) {
    for (int i = 0; i < layers.size(); i++) {
      if (type.isInstance(layers.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static <T extends Layer> T first(List<Layer> layers, Class<T> type, T fallback) {
    int index = indexOf(layers, type);
    return index < 0 ? fallback : type.cast(layers.get(index));
  }

  private static List<Layer> map(List<Layer> layers, UnaryOperator<Layer> edit) {
    List<Layer> copy = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer instanceof Layer.Residual r) {
        copy.add(new Layer.Residual(map(r.body(), edit), r.shortcut(), r.projectionNorm()));
      } else {
        copy.add(edit.apply(layer));
      }
    }
    return copy;
  }

  /** Replaces the n-th conv2d (depth first) through {@code edit}. */
  private static List<Layer> mapConv(List<Layer> layers, int n, UnaryOperator<Layer.Conv2d> edit) {
    int[] seen = {0};
    return map(
        layers,
        l -> {
          if (l instanceof Layer.Conv2d c) {
            return seen[0]++ == n ? edit.apply(c) : c;
          }
          return l;
        });
  }
}
