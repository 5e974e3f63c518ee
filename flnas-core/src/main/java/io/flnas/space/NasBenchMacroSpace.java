package io.flnas.space;

import com.google.common.base.Preconditions;
import io.flnas.arch.ActivationKind;
import io.flnas.arch.Architecture;
import io.flnas.arch.Layer;
import io.flnas.arch.NormKind;
import io.flnas.arch.Shape;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The layer-wise space of NAS-Bench-Macro (Su et al., CVPR 2021): a 3x3 stem convolution to 32
 * channels; 8 searchable layers with (in, out, stride) = (32, 64, 2), (64, 64, 1), (64, 128, 2),
 * (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1); a 1x1 convolution to
 * 1,280 channels; global average pooling; a linear classifier with bias. Each searchable layer is
 * one of:
 *
 * <ol start="0">
 *   <li>identity: nothing where in = out and stride 1, else a 1x1 convolution with the layer's
 *       stride and batch norm;
 *   <li>an inverted residual with expansion 3 and kernel 3;
 *   <li>an inverted residual with expansion 6 and kernel 5;
 * </ol>
 *
 * an inverted residual being a 1x1 convolution to in x expansion channels, batch norm, ReLU, a
 * depthwise k x k convolution with the layer's stride, batch norm, ReLU, a 1x1 convolution to out
 * channels and batch norm, in an identity {@link Layer.Residual} where in = out and stride 1. Every
 * convolution is without bias and followed by batch norm (the stem's and the head's by batch norm
 * and ReLU). 3^8 = 6,561 networks, built from the project's own layers, so the analytic {@code
 * Cost} of each equals the benchmark's published parameters and FLOPs.
 */
public final class NasBenchMacroSpace implements ChoiceSpace {
  private static final int[][] LAYERS = {
    {32, 64, 2},
    {64, 64, 1},
    {64, 128, 2},
    {128, 128, 1},
    {128, 128, 1},
    {128, 256, 2},
    {256, 256, 1},
    {256, 256, 1}
  };

  /** The options of a layer, in order. */
  public static final List<String> OPTIONS = List.of("identity", "mb3_k3", "mb6_k5");

  private final ChoiceIndex index = new ChoiceIndex(this);

  NasBenchMacroSpace() {}

  @Override
  public List<Integer> options() {
    return Collections.nCopies(LAYERS.length, OPTIONS.size());
  }

  @Override
  public List<String> optionNames(int position) {
    return OPTIONS;
  }

  @Override
  public Architecture architecture(int[] choices, Shape input, int numClasses) {
    Preconditions.checkArgument(
        choices.length == LAYERS.length,
        "a NAS-Bench-Macro network has %s searchable layers, but %s choices were given",
        LAYERS.length,
        choices.length);
    Architecture.Builder net =
        Architecture.builder(input, numClasses)
            .name(arch(choices))
            .add(Layer.Conv2d.of(32, 3, 1))
            .add(Layer.Norm.of(NormKind.BATCH))
            .add(relu());
    for (int i = 0; i < LAYERS.length; i++) {
      int in = LAYERS[i][0];
      int out = LAYERS[i][1];
      int stride = LAYERS[i][2];
      boolean keeps = in == out && stride == 1;
      int choice = choices[i];
      Preconditions.checkArgument(
          choice >= 0 && choice < OPTIONS.size(),
          "layer %s: option must be in [0, %s), but was %s",
          i,
          OPTIONS.size(),
          choice);
      if (choice == 0) {
        if (!keeps) {
          net.add(Layer.Conv2d.of(out, 1, stride)).add(Layer.Norm.of(NormKind.BATCH));
        }
        continue;
      }
      int expansion = choice == 1 ? 3 : 6;
      int kernel = choice == 1 ? 3 : 5;
      int hidden = in * expansion;
      List<Layer> block =
          List.of(
              Layer.Conv2d.of(hidden, 1, 1),
              Layer.Norm.of(NormKind.BATCH),
              relu(),
              new Layer.Conv2d(hidden, kernel, stride, kernel / 2, hidden, false),
              Layer.Norm.of(NormKind.BATCH),
              relu(),
              Layer.Conv2d.of(out, 1, 1),
              Layer.Norm.of(NormKind.BATCH));
      if (keeps) {
        net.add(Layer.Residual.identity(block));
      } else {
        net.addAll(block);
      }
    }
    return net.add(Layer.Conv2d.of(1280, 1, 1))
        .add(Layer.Norm.of(NormKind.BATCH))
        .add(relu())
        .add(new Layer.GlobalAvgPool())
        .add(new Layer.Linear(numClasses, true))
        .build();
  }

  private static Layer relu() {
    return new Layer.Activation(ActivationKind.RELU);
  }

  @Override
  public Optional<int[]> choices(Architecture architecture) {
    return index.choices(architecture);
  }

  /** The benchmark's notation: one digit per searchable layer, e.g. {@code 20110122}. */
  public static String arch(int[] choices) {
    StringBuilder text = new StringBuilder();
    for (int choice : choices) {
      text.append(choice);
    }
    return text.toString();
  }

  /**
   * The choice vector of the benchmark's notation.
   *
   * @throws IllegalArgumentException naming the notation when it is not 8 digits 0-2
   */
  public static int[] parse(String arch) {
    Preconditions.checkArgument(
        arch.matches("[012]{8}"), "a NAS-Bench-Macro network is 8 digits 0-2, but was '%s'", arch);
    return arch.chars().map(c -> c - '0').toArray();
  }

  @Override
  public String describe() {
    return """
        NAS-Bench-Macro layer-wise space: a fixed network (3x3 stem to 32 channels, 8 searchable \
        layers, 1x1 convolution to 1280 channels, global pooling, classifier) with (in, out, \
        stride) = (32,64,2) (64,64,1) (64,128,2) (128,128,1) (128,128,1) (128,256,2) (256,256,1) \
        (256,256,1).
        Each searchable layer is one of: identity (nothing, or a strided 1x1 convolution and batch \
        norm where the shape changes), mb3_k3 or mb6_k5 (inverted residual: 1x1 expansion by 3 or \
        6, depthwise 3x3 or 5x5, 1x1 projection, batch norm after each, ReLU after the first two, \
        identity shortcut where the shape is kept).""";
  }

  @Override
  public String toString() {
    return "NAS-Bench-Macro";
  }
}
