package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.util.List;

/**
 * One split of labelled images with sensitive attributes, on the host: pixels in
 * {@code N x C x H x W} order, already normalized; labels; and per-sample group indices for sex
 * ({@link GroupColumn#SEX}) and age ({@link GroupColumn#AGE}), {@link GroupColumn#UNKNOWN} where
 * unknown. Arrays are owned by the split: do not modify them.
 */
public record Split(int count, int channels, int height, int width, float[] pixels, int[] labels,
    int[] sex, int[] age) {
  public Split {
    Preconditions.checkArgument(pixels.length == (long) count * channels * height * width,
        "pixels has %s values, expected %s x %s x %s x %s", pixels.length, count, channels, height,
        width);
    Preconditions.checkArgument(labels.length == count && sex.length == count && age.length == count,
        "labels, sex and age must each have %s entries", count);
  }

  /** The sensitive attributes as fairness columns. */
  public List<GroupColumn> groups() {
    return List.of(new GroupColumn("sex", GroupColumn.SEX, sex),
        new GroupColumn("age", GroupColumn.AGE, age));
  }

  /** Values per image. */
  public int imageSize() {
    return channels * height * width;
  }

  /** Builds a split from the selected samples of per-sample arrays. */
  static Split of(int channels, int size, List<float[]> images, int[] labels, int[] sex, int[] age) {
    int n = images.size();
    int per = channels * size * size;
    float[] pixels = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(images.get(i), 0, pixels, i * per, per);
    }
    return new Split(n, channels, size, size, pixels, labels, sex, age);
  }
}
