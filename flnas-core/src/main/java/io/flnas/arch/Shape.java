package io.flnas.arch;

import com.google.common.base.Preconditions;

/**
 * The shape of one sample flowing through a network: a feature map (channels x height x width) or,
 * once flattened, a vector of {@code channels} features (height and width 1, {@code flat} true).
 */
public record Shape(int channels, int height, int width, boolean flat) {
  public Shape {
    Preconditions.checkArgument(channels > 0, "channels must be > 0, but was %s", channels);
  }

  /** A feature map. */
  public static Shape image(int channels, int height, int width) {
    Preconditions.checkArgument(height > 0, "height must be > 0, but was %s", height);
    Preconditions.checkArgument(width > 0, "width must be > 0, but was %s", width);
    return new Shape(channels, height, width, false);
  }

  /** A flat feature vector. */
  public static Shape vector(int features) {
    return new Shape(features, 1, 1, true);
  }

  /** Number of values in one sample of this shape. */
  public long size() {
    return (long) channels * height * width;
  }

  @Override
  public String toString() {
    return flat ? "[" + channels + "]" : "[" + channels + "x" + height + "x" + width + "]";
  }
}
