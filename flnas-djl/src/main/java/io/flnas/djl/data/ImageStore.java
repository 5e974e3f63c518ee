package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Images as 8-bit values in {@code C x H x W} order, {@code channels * height * width} bytes each,
 * held once: on the heap, or in a memory-mapped file (the decoded-image cache) that the operating
 * system pages in and that several processes share. The bytes live in segments of at most 1 GiB,
 * each holding whole images, and every offset is a {@code long}, so no Java array or buffer grows
 * with the image count: a store of any size the disk holds is read image by image.
 *
 * <p>Read-only to its users; the loaders fill it while they build it.
 */
public final class ImageStore {
  /** Largest segment: whole images, at most this many bytes. */
  static final long SEGMENT_BYTES = 1L << 30;

  private final int count;
  private final int channels;
  private final int height;
  private final int width;
  private final int imageBytes;
  private final int imagesPerSegment;
  private final List<ByteBuffer> segments;

  private ImageStore(
      int count, int channels, int height, int width, List<ByteBuffer> segments, int perSegment) {
    this.count = count;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.imageBytes = channels * height * width;
    this.imagesPerSegment = perSegment;
    this.segments = List.copyOf(segments);
  }

  /** An empty heap store of {@code count} images, filled by its loader. */
  static ImageStore allocate(int count, int channels, int height, int width) {
    return allocate(count, channels, height, width, SEGMENT_BYTES);
  }

  /** An empty heap store in segments of at most {@code segmentBytes}; small ones for tests. */
  static ImageStore allocate(int count, int channels, int height, int width, long segmentBytes) {
    int per = imagesPerSegment(channels, height, width, segmentBytes);
    List<ByteBuffer> segments = new ArrayList<>();
    for (int first = 0; first < count; first += per) {
      int images = Math.min(per, count - first);
      segments.add(ByteBuffer.allocate(images * channels * height * width));
    }
    return new ImageStore(count, channels, height, width, segments, per);
  }

  /**
   * A store mapped from {@code channel} starting at byte {@code offset}: read-only or, while a
   * cache file is written, read-write.
   */
  static ImageStore map(
      FileChannel channel,
      FileChannel.MapMode mode,
      long offset,
      int count,
      int channels,
      int height,
      int width)
      throws IOException {
    int per = imagesPerSegment(channels, height, width, SEGMENT_BYTES);
    long imageBytes = (long) channels * height * width;
    List<ByteBuffer> segments = new ArrayList<>();
    for (int first = 0; first < count; first += per) {
      int images = Math.min(per, count - first);
      segments.add(channel.map(mode, offset + first * imageBytes, images * imageBytes));
    }
    return new ImageStore(count, channels, height, width, segments, per);
  }

  private static int imagesPerSegment(int channels, int height, int width, long segmentBytes) {
    Preconditions.checkArgument(
        channels > 0 && height > 0 && width > 0,
        "image shape must be positive, but was %sx%sx%s",
        channels,
        height,
        width);
    long imageBytes = (long) channels * height * width;
    Preconditions.checkArgument(
        imageBytes <= segmentBytes, "an image of %s bytes is too large", imageBytes);
    return (int) Math.min(Integer.MAX_VALUE, segmentBytes / imageBytes);
  }

  /** Images in the store. */
  public int count() {
    return count;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Bytes per image: {@code channels * height * width}. */
  public int imageBytes() {
    return imageBytes;
  }

  /** Bytes of all images. */
  public long byteSize() {
    return (long) count * imageBytes;
  }

  /** Copies image {@code index} into {@code into} at {@code offset}. */
  public void read(int index, byte[] into, int offset) {
    Preconditions.checkElementIndex(index, count, "image");
    segments
        .get(index / imagesPerSegment)
        .get((index % imagesPerSegment) * imageBytes, into, offset, imageBytes);
  }

  /** Copies image {@code index} into {@code into} at its position, which it advances. */
  public void read(int index, ByteBuffer into) {
    Preconditions.checkElementIndex(index, count, "image");
    into.put(
        into.position(),
        segments.get(index / imagesPerSegment),
        (index % imagesPerSegment) * imageBytes,
        imageBytes);
    into.position(into.position() + imageBytes);
  }

  /** Forces a mapped store's writes to its file; nothing for a heap store. */
  void force() {
    for (ByteBuffer segment : segments) {
      if (segment instanceof java.nio.MappedByteBuffer mapped) {
        mapped.force();
      }
    }
  }

  /** Writes image {@code index}; threads may write distinct images at once. */
  void write(int index, byte[] image) {
    Preconditions.checkArgument(
        image.length == imageBytes, "an image has %s bytes, but was %s", imageBytes, image.length);
    segments.get(index / imagesPerSegment).put((index % imagesPerSegment) * imageBytes, image);
  }
}
