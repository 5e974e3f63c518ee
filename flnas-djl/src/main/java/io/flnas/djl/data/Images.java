package io.flnas.djl.data;

import java.security.MessageDigest;

/**
 * The pixels of one {@link Split}: {@code count} images in {@code C x H x W} order. They are either
 * {@link CompactImages} (8-bit values in an {@link ImageStore}, normalized per batch where they are
 * used: one byte per value, the form the loaders produce) or {@link FloatImages} (values already
 * normalized, in one float array: a dataset a host builds from its own arrays).
 */
public sealed interface Images permits CompactImages, FloatImages {
  int count();

  int channels();

  int height();

  int width();

  /** Values per image. */
  default int imageSize() {
    return channels() * height() * width();
  }

  /** Writes image {@code index}'s normalized values into {@code into} at {@code offset}. */
  void normalized(int index, float[] into, int offset);

  /** The same images at {@code rows}, in that order. */
  Images select(int[] rows);

  /** Feeds what the images hold, in order, to {@code digest}: equal digests, equal images. */
  void digest(MessageDigest digest);
}
