package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.util.List;
import java.util.Random;

/**
 * The embedded default dataset: seeded, skin-lesion-like RGB images in 8 classes with sex and age
 * attributes. A class is a lesion colour (4 hues) times a shape (a smooth round blob, or an
 * irregular blob with satellite spots). Groups differ in size (fewer women, fewer old people) and,
 * scaled by {@code bias}, in appearance and class mix: for female and old subjects the lesion is
 * fainter, the skin darker and the sensor noise stronger, and old subjects see more of the first
 * four classes. A plain CNN is therefore measurably less accurate on those groups. With {@code
 * bias(0)} images and class mix do not depend on the group at all, so any gap is sampling noise.
 *
 * <pre>{@code
 * ImageDataset data = SyntheticLesions.builder().size(2000).imageSize(32).seed(7).generate();
 * }</pre>
 */
public final class SyntheticLesions {
  /** The class names: colour x shape. */
  public static final List<String> CLASSES =
      List.of(
          "brown-round",
          "red-round",
          "blue-round",
          "pink-round",
          "brown-irregular",
          "red-irregular",
          "blue-irregular",
          "pink-irregular");

  private static final float[][] HUES = {
    {0.35f, 0.20f, 0.12f}, {0.62f, 0.18f, 0.18f}, {0.30f, 0.32f, 0.45f}, {0.75f, 0.45f, 0.50f}
  };

  private final int size;
  private final int imageSize;
  private final double bias;
  private final long seed;

  private SyntheticLesions(Builder b) {
    this.size = b.size;
    this.imageSize = b.imageSize;
    this.bias = b.bias;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Generates the dataset and splits it 70/20/10. */
  public ImageDataset generate() {
    Random random = new Random(seed);
    int n = size;
    ImageStore images = ImageStore.allocate(n, 3, imageSize, imageSize);
    int[] labels = new int[n];
    int[] sex = new int[n];
    int[] age = new int[n];
    for (int i = 0; i < n; i++) {
      sex[i] =
          random.nextDouble() < 0.03 ? GroupColumn.UNKNOWN : random.nextDouble() < 0.58 ? 0 : 1;
      double a = random.nextDouble();
      age[i] = random.nextDouble() < 0.03 ? GroupColumn.UNKNOWN : a < 0.3 ? 0 : a < 0.78 ? 1 : 2;
      boolean old = age[i] == 2;
      // Old subjects see the first four classes more often, by bias.
      labels[i] = old && random.nextDouble() < 0.4 * bias ? random.nextInt(4) : random.nextInt(8);
      double hardness = bias * ((sex[i] == 1 ? 0.5 : 0) + (old ? 0.5 : 0));
      images.write(i, draw(random, labels[i], hardness));
    }
    List<GroupColumn> groups = List.of(PaperAttributes.sex(sex), PaperAttributes.age(age));
    int[] order = Permutations.random(n, random);
    int trainEnd = (int) Math.round(n * 0.7);
    int validationEnd = (int) Math.round(n * 0.9);
    return new ImageDataset(
        "synthetic",
        "synthetic dermoscopy-like skin-lesion images ("
            + imageSize
            + "x"
            + imageSize
            + " RGB), classified into 8 lesion classes "
            + CLASSES
            + "; "
            + PaperAttributes.DESCRIPTION,
        CLASSES,
        select(order, 0, trainEnd, images, labels, groups),
        select(order, trainEnd, validationEnd, images, labels, groups),
        select(order, validationEnd, n, images, labels, groups),
        0);
  }

  private static Split select(
      int[] order, int from, int to, ImageStore images, int[] labels, List<GroupColumn> groups) {
    int[] rows = java.util.Arrays.copyOfRange(order, from, to);
    int[] l = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      l[i] = labels[rows[i]];
    }
    return new Split(
        CompactImages.imageNet(images, rows), l, groups.stream().map(c -> c.select(rows)).toList());
  }

  /**
   * One 8-bit CHW image of class {@code label}; {@code hardness} in [0, 1]. Drawn in [0, 1] and
   * rounded to 8 bits, as a decoded photograph is.
   */
  private byte[] draw(Random random, int label, double hardness) {
    int s = imageSize;
    byte[] rgb = new byte[3 * s * s];
    double tone = 0.78 + 0.08 * random.nextGaussian() * 0.5 - 0.22 * hardness;
    float[] skin = {(float) tone, (float) (tone * 0.78), (float) (tone * 0.66)};
    float[] hue = HUES[label % 4];
    boolean irregular = label >= 4;
    double contrast = 1.0 - 0.6 * hardness;
    double noise = 0.04 + 0.18 * hardness;
    double cx = s / 2.0 + (random.nextDouble() - 0.5) * s * 0.25;
    double cy = s / 2.0 + (random.nextDouble() - 0.5) * s * 0.25;
    double radius = s * (0.18 + 0.1 * random.nextDouble());
    double[] lobes = new double[5];
    for (int k = 0; k < lobes.length; k++) {
      lobes[k] = irregular ? 0.35 * random.nextDouble() : 0.03 * random.nextDouble();
    }
    double phase = random.nextDouble() * 2 * Math.PI;
    int spots = irregular ? 2 + random.nextInt(3) : 0;
    double[][] spot = new double[spots][3];
    for (int k = 0; k < spots; k++) {
      double angle = random.nextDouble() * 2 * Math.PI;
      double distance = radius * (1.3 + 0.4 * random.nextDouble());
      spot[k] =
          new double[] {
            cx + Math.cos(angle) * distance,
            cy + Math.sin(angle) * distance,
            s * 0.05 + s * 0.03 * random.nextDouble()
          };
    }
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double dx = x - cx;
        double dy = y - cy;
        double angle = Math.atan2(dy, dx);
        double edge = radius;
        for (int k = 0; k < lobes.length; k++) {
          edge *= 1 + lobes[k] * Math.sin((k + 2) * angle + phase * (k + 1));
        }
        double inside = sigmoid((edge - Math.hypot(dx, dy)) * 1.5);
        for (double[] sp : spot) {
          inside = Math.max(inside, sigmoid((sp[2] - Math.hypot(x - sp[0], y - sp[1])) * 2));
        }
        double alpha = inside * contrast;
        for (int c = 0; c < 3; c++) {
          double value = skin[c] * (1 - alpha) + hue[c] * alpha + noise * random.nextGaussian();
          value = Math.max(0, Math.min(1, value));
          rgb[c * s * s + y * s + x] = CompactImages.quantize(value);
        }
      }
    }
    return rgb;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private int size = 2000;
    private int imageSize = 32;
    private double bias = 1.0;
    private long seed = 42;

    private Builder() {}

    /** Number of images over all splits; default 2000. */
    public Builder size(int value) {
      Preconditions.checkArgument(value >= 20, "size must be >= 20, but was %s", value);
      this.size = value;
      return this;
    }

    /** Image side in pixels; default 32. */
    public Builder imageSize(int value) {
      Preconditions.checkArgument(value >= 8, "imageSize must be >= 8, but was %s", value);
      this.imageSize = value;
      return this;
    }

    /** Strength of the group differences in [0, 1]; default 1; 0 gives no gap by construction. */
    public Builder bias(double value) {
      Preconditions.checkArgument(
          value >= 0 && value <= 1, "bias must be in [0, 1], but was %s", value);
      this.bias = value;
      return this;
    }

    /** Seed of every random draw; default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public SyntheticLesions build() {
      return new SyntheticLesions(this);
    }

    /** Shorthand for {@code build().generate()}. */
    public ImageDataset generate() {
      return build().generate();
    }
  }
}
