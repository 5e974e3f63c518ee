package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Normalized images in one float array, {@code count x C x H x W}: what a host's own dataset
 * brings. The array is owned by the images: do not modify it.
 */
public record FloatImages(int count, int channels, int height, int width, float[] values)
    implements Images {
  public FloatImages {
    Preconditions.checkArgument(
        values.length == (long) count * channels * height * width,
        "pixels has %s values, expected %s x %s x %s x %s",
        values.length,
        count,
        channels,
        height,
        width);
  }

  @Override
  public void normalized(int index, float[] into, int offset) {
    Preconditions.checkElementIndex(index, count, "image");
    int per = imageSize();
    System.arraycopy(values, index * per, into, offset, per);
  }

  @Override
  public FloatImages select(int[] rows) {
    int per = imageSize();
    float[] chosen = new float[Math.multiplyExact(rows.length, per)];
    for (int i = 0; i < rows.length; i++) {
      normalized(rows[i], chosen, i * per);
    }
    return new FloatImages(rows.length, channels, height, width, chosen);
  }

  @Override
  public void digest(MessageDigest digest) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4);
    bytes.asFloatBuffer().put(values);
    digest.update(bytes);
  }
}
