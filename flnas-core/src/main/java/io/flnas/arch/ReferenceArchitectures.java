package io.flnas.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's baselines expressed in the architecture model, so that baselines and searched
 * candidates are described, costed, trained and measured the same way.
 *
 * <p>At ImageNet sizes they have torchvision's layouts, and their trainable parameter counts equal
 * torchvision's for the same class count (with 1000 classes: ResNet-18 11,689,512; ResNet-34
 * 21,797,672; MobileNetV1 4,231,976; MobileNetV2 3,504,872). At {@value #SMALL_INPUT_MAX} px and
 * below, {@link #byName} gives the variants the field uses for small images, named with a {@code
 * _cifar} suffix: a total stride of 32 would leave a 1x1 map at 32 px, so those baselines would
 * compare a crippled network with the searched ones. The CIFAR ResNets have a 3x3 stride-1 stem and
 * no stem max-pool (ResNet-18 with 10 classes: 11,173,962 parameters); the MobileNets turn their
 * earliest stride-2 layers into stride 1 until the last stage sees at least 4x4 (at 32 px the stem
 * and the first stride-2 stage, as the common CIFAR MobileNetV2 does). Strides do not change
 * parameter counts, so the MobileNet variants keep torchvision's.
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

  /** Inputs whose larger side is at most this many pixels get the small-input variants. */
  public static final int SMALL_INPUT_MAX = 64;

  /** The smallest side of the last stage's map that the small-input MobileNets keep. */
  static final int MIN_LAST_STAGE = 4;

  /**
   * One of {@link #NAMES}, case-insensitive, dashes and underscores optional; the small-input
   * ({@code _cifar}) variant where the input's larger side is at most {@value #SMALL_INPUT_MAX}.
   */
  public static Architecture byName(String name, Shape input, int numClasses) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    boolean small = Math.max(input.height(), input.width()) <= SMALL_INPUT_MAX;
    switch (key) {
      case "resnet18":
        return small ? resnet18Cifar(input, numClasses) : resnet18(input, numClasses);
      case "resnet34":
        return small ? resnet34Cifar(input, numClasses) : resnet34(input, numClasses);
      case "mobilenetv1":
        return small ? mobileNetV1Small(input, numClasses) : mobileNetV1(input, numClasses);
      case "mobilenetv2":
        return small ? mobileNetV2Small(input, numClasses) : mobileNetV2(input, numClasses);
      case "smallcnn":
        return smallCnn(input, numClasses);
      default:
        throw new IllegalArgumentException(
            "unknown reference architecture '" + name + "'; expected one of " + NAMES);
    }
  }

  public static Architecture resnet18(Shape input, int numClasses) {
    return resnet("resnet18", input, numClasses, new int[] {2, 2, 2, 2}, false);
  }

  public static Architecture resnet34(Shape input, int numClasses) {
    return resnet("resnet34", input, numClasses, new int[] {3, 4, 6, 3}, false);
  }

  /** ResNet-18 for small images: 3x3 stride-1 stem, no stem max-pool (total stride 8). */
  public static Architecture resnet18Cifar(Shape input, int numClasses) {
    return resnet("resnet18_cifar", input, numClasses, new int[] {2, 2, 2, 2}, true);
  }

  /** ResNet-34 for small images: 3x3 stride-1 stem, no stem max-pool (total stride 8). */
  public static Architecture resnet34Cifar(Shape input, int numClasses) {
    return resnet("resnet34_cifar", input, numClasses, new int[] {3, 4, 6, 3}, true);
  }

  private static Architecture resnet(
      String name, Shape input, int classes, int[] blocks, boolean smallStem) {
    Architecture.Builder b = Architecture.builder(input, classes).name(name);
    if (smallStem) {
      b.addAll(convBnAct(64, 3, 1, 1, ActivationKind.RELU));
    } else {
      b.add(new Layer.Conv2d(64, 7, 2, 3, 1, false))
          .add(Layer.Norm.of(NormKind.BATCH))
          .add(new Layer.Activation(ActivationKind.RELU))
          .add(new Layer.Pool(PoolKind.MAX, 3, 2, 1));
    }
    int channels = 64;
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < widths.length; stage++) {
      for (int block = 0; block < blocks[stage]; block++) {
        int stride = stage > 0 && block == 0 ? 2 : 1;
        List<Layer> body =
            List.of(
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
    return mobileNetV1("mobilenet_v1", input, numClasses, 5);
  }

  /**
   * MobileNetV1 for small images: its earliest stride-2 layers become stride 1 until the last
   * stage's map is at least 4x4.
   */
  public static Architecture mobileNetV1Small(Shape input, int numClasses) {
    return mobileNetV1("mobilenet_v1_cifar", input, numClasses, keptStrides(input));
  }

  /**
   * @param kept how many of the five stride-2 layers keep stride 2 (the last ones); the earlier
   *     ones get stride 1
   */
  private static Architecture mobileNetV1(String name, Shape input, int numClasses, int kept) {
    Architecture.Builder b = Architecture.builder(input, numClasses).name(name);
    int[] strides = strides(kept);
    int next = 0;
    b.addAll(convBnAct(32, 3, strides[next++], 1, ActivationKind.RELU));
    int channels = 32;
    int[][] blocks = {
      {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1},
      {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };
    for (int[] block : blocks) {
      int stride = block[1] == 2 ? strides[next++] : 1;
      b.addAll(convBnAct(channels, 3, stride, channels, ActivationKind.RELU));
      b.addAll(convBnAct(block[0], 1, 1, 1, ActivationKind.RELU));
      channels = block[0];
    }
    return b.add(new Layer.GlobalAvgPool()).add(new Layer.Linear(numClasses, true)).build();
  }

  /** MobileNetV2, width multiplier 1.0, torchvision's inverted-residual settings. */
  public static Architecture mobileNetV2(Shape input, int numClasses) {
    return mobileNetV2("mobilenet_v2", input, numClasses, 5);
  }

  /**
   * MobileNetV2 for small images: its earliest stride-2 layers become stride 1 until the last
   * stage's map is at least 4x4 (at 32 px the stem and the 24-filter stage, the common CIFAR
   * variant).
   */
  public static Architecture mobileNetV2Small(Shape input, int numClasses) {
    return mobileNetV2("mobilenet_v2_cifar", input, numClasses, keptStrides(input));
  }

  private static Architecture mobileNetV2(String name, Shape input, int numClasses, int kept) {
    Architecture.Builder b = Architecture.builder(input, numClasses).name(name);
    int[] strides = strides(kept);
    int next = 0;
    b.addAll(convBnAct(32, 3, strides[next++], 1, ActivationKind.RELU6));
    int channels = 32;
    int[][] settings = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    for (int[] s : settings) {
      for (int i = 0; i < s[2]; i++) {
        int stride = i == 0 && s[3] == 2 ? strides[next++] : 1;
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
    return b.add(new Layer.GlobalAvgPool())
        .add(new Layer.Dropout(0.2))
        .add(new Layer.Linear(numClasses, true))
        .build();
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

  /**
   * How many of a MobileNet's five stride-2 layers may keep stride 2 so that the last stage's map
   * is at least {@value #MIN_LAST_STAGE} on the input's smaller side ("same" padding halves a side
   * rounding up); at least none, at most all five.
   */
  static int keptStrides(Shape input) {
    int side = Math.min(input.height(), input.width());
    int kept = 0;
    while (kept < 5 && (side + 1) / 2 >= MIN_LAST_STAGE) {
      side = (side + 1) / 2;
      kept++;
    }
    return kept;
  }

  /** Strides of the five downsampling layers, earliest first: stride 1, then {@code kept} 2s. */
  private static int[] strides(int kept) {
    int[] strides = new int[5];
    for (int i = 0; i < 5; i++) {
      strides[i] = i < 5 - kept ? 1 : 2;
    }
    return strides;
  }

  private static List<Layer> convBnAct(
      int filters, int kernel, int stride, int groups, ActivationKind activation) {
    return List.of(
        new Layer.Conv2d(filters, kernel, stride, (kernel - 1) / 2, groups, false),
        Layer.Norm.of(NormKind.BATCH),
        new Layer.Activation(activation));
  }
}
