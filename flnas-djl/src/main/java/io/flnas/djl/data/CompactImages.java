package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * 8-bit images: the rows of an {@link ImageStore} that belong to one split, with the per-channel
 * mean and standard deviation that normalize them: {@code (value / 255 - mean[c]) / std[c]}. The
 * trainer cuts each batch from the store and normalizes it on its device, so the images exist once,
 * at one byte per value.
 */
public final class CompactImages implements Images {
  private final ImageStore store;
  private final int[] rows;
  private final float[] mean;
  private final float[] std;

  /** The images of {@code store} at {@code rows}, normalized by {@code mean} and {@code std}. */
  public CompactImages(ImageStore store, int[] rows, float[] mean, float[] std) {
    Preconditions.checkArgument(
        mean.length == store.channels() && std.length == store.channels(),
        "mean and std need %s values, but had %s and %s",
        store.channels(),
        mean.length,
        std.length);
    for (int row : rows) {
      Preconditions.checkElementIndex(row, store.count(), "row");
    }
    this.store = store;
    this.rows = rows.clone();
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** With ImageNet's channel statistics, as the ISIC and synthetic datasets are normalized. */
  static CompactImages imageNet(ImageStore store, int[] rows) {
    return new CompactImages(store, rows, ImageDataset.MEAN, ImageDataset.STD);
  }

  @Override
  public int count() {
    return rows.length;
  }

  @Override
  public int channels() {
    return store.channels();
  }

  @Override
  public int height() {
    return store.height();
  }

  @Override
  public int width() {
    return store.width();
  }

  /** The store the images live in. */
  public ImageStore store() {
    return store;
  }

  /** The channel means, one per channel. */
  public float[] mean() {
    return mean.clone();
  }

  /** The channel standard deviations, one per channel. */
  public float[] std() {
    return std.clone();
  }

  /** Copies image {@code index}'s bytes into {@code into} at its position, advancing it. */
  public void read(int index, ByteBuffer into) {
    Preconditions.checkElementIndex(index, rows.length, "image");
    store.read(rows[index], into);
  }

  @Override
  public void normalized(int index, float[] into, int offset) {
    Preconditions.checkElementIndex(index, rows.length, "image");
    byte[] bytes = new byte[store.imageBytes()];
    store.read(rows[index], bytes, 0);
    int plane = store.height() * store.width();
    for (int i = 0; i < bytes.length; i++) {
      int c = i / plane;
      into[offset + i] = normalize(bytes[i], mean[c], std[c]);
    }
  }

  /** One value's normalization, the same arithmetic in float as a device performs it. */
  static float normalize(byte value, float mean, float std) {
    return ((value & 0xff) / 255f - mean) / std;
  }

  /** The 8-bit value of a value in [0, 1]: rounded to the nearest of 256 levels. */
  static byte quantize(double value) {
    return (byte) Math.round(Math.max(0, Math.min(1, value)) * 255);
  }

  @Override
  public CompactImages select(int[] chosen) {
    int[] picked = new int[chosen.length];
    for (int i = 0; i < chosen.length; i++) {
      picked[i] = rows[chosen[i]];
    }
    return new CompactImages(store, picked, mean, std);
  }

  @Override
  public void digest(MessageDigest digest) {
    ByteBuffer stats = ByteBuffer.allocate(8 * mean.length).order(ByteOrder.BIG_ENDIAN);
    stats.asFloatBuffer().put(mean).put(std);
    digest.update(stats);
    byte[] bytes = new byte[store.imageBytes()];
    for (int row : rows) {
      store.read(row, bytes, 0);
      digest.update(bytes);
    }
  }
}
