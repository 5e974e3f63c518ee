package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One split of labelled images with sensitive attributes, on the host: pixels in {@code N x C x H x
 * W} order, already normalized; labels; and the sensitive attributes as group columns (name, group
 * names, per-sample group index or {@link GroupColumn#UNKNOWN}), however many the dataset has.
 * Arrays are owned by the split: do not modify them.
 *
 * @param groups the sensitive attributes, each with one entry per sample, names distinct
 */
public record Split(
    int count,
    int channels,
    int height,
    int width,
    float[] pixels,
    int[] labels,
    List<GroupColumn> groups) {
  public Split {
    Preconditions.checkArgument(
        pixels.length == (long) count * channels * height * width,
        "pixels has %s values, expected %s x %s x %s x %s",
        pixels.length,
        count,
        channels,
        height,
        width);
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

  /** The group column of {@code attribute}, if this split has it. */
  public Optional<GroupColumn> group(String attribute) {
    return groups.stream().filter(c -> c.attribute().equals(attribute)).findFirst();
  }

  /** A copy with one more sensitive attribute, e.g. a skin type the dataset did not bring. */
  public Split withGroup(GroupColumn column) {
    List<GroupColumn> more = new ArrayList<>(groups);
    more.add(column);
    return new Split(count, channels, height, width, pixels, labels, more);
  }

  /** Values per image. */
  public int imageSize() {
    return channels * height * width;
  }

  /** Builds a split from per-sample images, labels and group columns. */
  static Split of(
      int channels, int size, List<float[]> images, int[] labels, List<GroupColumn> groups) {
    int n = images.size();
    int per = channels * size * size;
    float[] pixels = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(images.get(i), 0, pixels, i * per, per);
    }
    return new Split(n, channels, size, size, pixels, labels, groups);
  }
}
