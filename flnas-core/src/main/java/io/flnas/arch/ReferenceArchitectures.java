package io.flnas.arch;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's baselines expressed in the architecture model, with torchvision's layouts, so that
 * baselines and searched candidates are described, costed, trained and measured the same way. Their
 * trainable parameter counts equal torchvision's for the same class count (with 1000 classes:
 * ResNet-18 11,689,512; ResNet-34 21,797,672; MobileNetV1 4,231,976; MobileNetV2 3,504,872).
 *
 * <pre>{@code
 * Architecture resnet = ReferenceArchitectures.resnet18(Shape.image(3, 64, 64), 8);
 * }</pre>
 */
public final class ReferenceArchitectures {
  private ReferenceArchitectures() {}

  /** Names accepted by {@link #byName}. */
  public static final List<String> NAMES =
      List.of("resnet18", "resnet34", "mobilenet_v1", "mobilenet_v2", "small_cnn");

  /** One of {@link #NAMES}, case-insensitive, dashes and underscores optional. */
  public static Architecture byName(String name, Shape input, int numClasses) {
    String key = name.trim().toLowerCase().replace("-", "").replace("_", "");
    switch (key) {
      case "resnet18":
        return resnet18(input, numClasses);
      case "resnet34":
        return resnet34(input, numClasses);
      case "mobilenetv1":
        return mobileNetV1(input, numClasses);
      case "mobilenetv2":
        return mobileNetV2(input, numClasses);
      case "smallcnn":
        return smallCnn(input, numClasses);
      default:
        throw new IllegalArgumentException("unknown reference architecture '" + name
            + "'; expected one of " + NAMES);
    }
  }

  public static Architecture resnet18(Shape input, int numClasses) {
    return resnet("resnet18", input, numClasses, new int[] {2, 2, 2, 2});
  }

  public static Architecture resnet34(Shape input, int numClasses) {
    return resnet("resnet34", input, numClasses, new int[] {3, 4, 6, 3});
  }

  private static Architecture resnet(String name, Shape input, int classes, int[] blocks) {
    Architecture.Builder b = Architecture.builder(input, classes).name(name)
        .add(new Layer.Conv2d(64, 7, 2, 3, 1, false))
        .add(Layer.Norm.of(NormKind.BATCH))
        .add(new Layer.Activation(ActivationKind.RELU))
        .add(new Layer.Pool(PoolKind.MAX, 3, 2, 1));
    int channels = 64;
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < widths.length; stage++) {
      for (int block = 0; block < blocks[stage]; block++) {
        int stride = stage > 0 && block == 0 ? 2 : 1;
        List<Layer> body = List.of(
            new Layer.Conv2d(widths[stage], 3, stride, 1, 1, false),
            Layer.Norm.of(NormKind.BATCH),
            new Layer.Activation(ActivationKind.RELU),
            new Layer.Conv2d(widths[stage], 3, 1, 1, 1, false),
            Layer.Norm.of(NormKind.BATCH));
        boolean project = stride != 1 || channels != widths[stage];
        b.add(project ? Layer.Residual.projection(body) : Layer.Residual.identity(body));
        b.add(new Layer.Activation(ActivationKind.RELU));
        channels = widths[stage];
      }
    }
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(classes, true)).build();
  }

  /** MobileNetV1, width multiplier 1.0: depthwise-separable blocks, batch norm, ReLU. */
  public static Architecture mobileNetV1(Shape input, int numClasses) {
    Architecture.Builder b = Architecture.builder(input, numClasses).name("mobilenet_v1");
    b.addAll(convBnAct(32, 3, 2, 1, ActivationKind.RELU));
    int channels = 32;
    int[][] blocks = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
    for (int[] block : blocks) {
      b.addAll(convBnAct(channels, 3, block[1], channels, ActivationKind.RELU));
      b.addAll(convBnAct(block[0], 1, 1, 1, ActivationKind.RELU));
      channels = block[0];
    }
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(numClasses, true)).build();
  }

  /** MobileNetV2, width multiplier 1.0, torchvision's inverted-residual settings. */
  public static Architecture mobileNetV2(Shape input, int numClasses) {
    Architecture.Builder b = Architecture.builder(input, numClasses).name("mobilenet_v2");
    b.addAll(convBnAct(32, 3, 2, 1, ActivationKind.RELU6));
    int channels = 32;
    int[][] settings = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1},
        {6, 160, 3, 2}, {6, 320, 1, 1}};
    for (int[] s : settings) {
      for (int i = 0; i < s[2]; i++) {
        int stride = i == 0 ? s[3] : 1;
        int hidden = channels * s[0];
        List<Layer> block = new ArrayList<>();
        if (s[0] != 1) {
          block.addAll(convBnAct(hidden, 1, 1, 1, ActivationKind.RELU6));
        }
        block.addAll(convBnAct(hidden, 3, stride, hidden, ActivationKind.RELU6));
        block.add(new Layer.Conv2d(s[1], 1, 1, 0, 1, false));
        block.add(Layer.Norm.of(NormKind.BATCH));
        if (stride == 1 && channels == s[1]) {
          b.add(Layer.Residual.identity(block));
        } else {
          b.addAll(block);
        }
        channels = s[1];
      }
    }
    b.addAll(convBnAct(1280, 1, 1, 1, ActivationKind.RELU6));
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Dropout(0.2))
        .add(new Layer.Linear(numClasses, true)).build();
  }

  /**
   * The reference small CNN: three blocks of 3x3 conv (32, 64, 128 filters), batch norm, ReLU and
   * 2x2 max pooling, then global average pooling and a linear classifier.
   */
  public static Architecture smallCnn(Shape input, int numClasses) {
    Architecture.Builder b = Architecture.builder(input, numClasses).name("small_cnn");
    for (int filters : new int[] {32, 64, 128}) {
      b.addAll(convBnAct(filters, 3, 1, 1, ActivationKind.RELU));
      b.add(new Layer.Pool(PoolKind.MAX, 2, 2, 0));
    }
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(numClasses, true)).build();
  }

  private static List<Layer> convBnAct(int filters, int kernel, int stride, int groups,
      ActivationKind activation) {
    return List.of(new Layer.Conv2d(filters, kernel, stride, (kernel - 1) / 2, groups, false),
        Layer.Norm.of(NormKind.BATCH), new Layer.Activation(activation));
  }
}
