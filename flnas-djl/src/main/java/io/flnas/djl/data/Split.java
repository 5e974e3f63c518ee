package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One split of labelled images with sensitive attributes, on the host: the images ({@link
 * CompactImages}, 8-bit and normalized where they are used, as the loaders build them, or {@link
 * FloatImages}, already normalized); labels; and the sensitive attributes as group columns (name,
 * group names, per-sample group index or {@link GroupColumn#UNKNOWN}), however many the dataset
 * has. Arrays are owned by the split: do not modify them.
 *
 * @param images the pixels, in {@code N x C x H x W} order
 * @param groups the sensitive attributes, each with one entry per sample, names distinct
 */
public record Split(Images images, int[] labels, List<GroupColumn> groups) {
  public Split {
    Preconditions.checkArgument(images != null, "images must not be null");
    int count = images.count();
    Preconditions.checkArgument(
        labels.length == count, "labels must have %s entries, but had %s", count, labels.length);
    groups = List.copyOf(groups);
    Set<String> names = new HashSet<>();
    for (GroupColumn column : groups) {
      Preconditions.checkArgument(
          names.add(column.attribute()),
          "attribute %s appears twice in a split",
          column.attribute());
      Preconditions.checkArgument(
          column.membership().length == count,
          "attribute %s must have %s entries, but had %s",
          column.attribute(),
          count,
          column.membership().length);
    }
  }

  /** A split of already-normalized pixels in one array, {@code N x C x H x W}. */
  public Split(
      int count,
      int channels,
      int height,
      int width,
      float[] pixels,
      int[] labels,
      List<GroupColumn> groups) {
    this(new FloatImages(count, channels, height, width, pixels), labels, groups);
  }

  /** Samples in the split. */
  public int count() {
    return images.count();
  }

  public int channels() {
    return images.channels();
  }

  public int height() {
    return images.height();
  }

  public int width() {
    return images.width();
  }

  /**
   * Every image's normalized values in one array, {@code N x C x H x W}; for small splits and
   * tests. For {@link CompactImages} each call builds a new array: call it once, not per value. A
   * split of more than {@link Integer#MAX_VALUE} values has no such array: read it image by image
   * through {@link #images()}.
   */
  public float[] pixels() {
    if (images instanceof FloatImages f) {
      return f.values();
    }
    long values = (long) count() * imageSize();
    if (values > Integer.MAX_VALUE - 8) {
      throw new DataException(
          "a split of "
              + count()
              + " images of "
              + imageSize()
              + " values has no single float array; read it image by image through images()");
    }
    float[] out = new float[(int) values];
    for (int i = 0; i < count(); i++) {
      images.normalized(i, out, i * imageSize());
    }
    return out;
  }

  /** The group column of {@code attribute}, if this split has it. */
  public Optional<GroupColumn> group(String attribute) {
    return groups.stream().filter(c -> c.attribute().equals(attribute)).findFirst();
  }

  /** A copy with one more sensitive attribute, e.g. a skin type the dataset did not bring. */
  public Split withGroup(GroupColumn column) {
    List<GroupColumn> more = new ArrayList<>(groups);
    more.add(column);
    return new Split(images, labels, more);
  }

  /** Values per image. */
  public int imageSize() {
    return images.imageSize();
  }
}
