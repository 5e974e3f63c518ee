package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * What a run's data, model and batches take in memory, estimated before anything is decoded or
 * trained, and checked against the JVM's heap and the machine: the check fails with one line that
 * says how much is needed and what to change. A launcher sizes a JVM's heap from {@link
 * #suggestedHeapBytes()}.
 *
 * <pre>{@code
 * DataFootprint need = DataFootprint.images(25_331, 3, 224, true, 8);
 * need.check(Runtime.getRuntime().maxMemory(), DataFootprint.machineBytes()); // or throws
 * }</pre>
 *
 * @param images images in all splits
 * @param dataBytes the images' pixels at one byte per value
 * @param dataMapped whether the pixels are memory-mapped from the cache (outside the heap) or on
 *     the heap
 * @param decodeBytes heap for decoding (each decode thread's source image and its copies); 0 when
 *     the images come from the cache
 * @param modelBytes native memory of the model in training (weights, gradients, optimizer state); 0
 *     where not known
 * @param batchBytes native memory of one batch's input (8-bit copy and its float normalization); 0
 *     where not known
 */
public record DataFootprint(
    int images,
    long dataBytes,
    boolean dataMapped,
    long decodeBytes,
    long modelBytes,
    long batchBytes) {
  /** Heap of the JVM, the engine's Java side and the search itself, before any data. */
  public static final long BASE_HEAP_BYTES = 192L << 20;

  /** Heap one decode thread needs: a 16-megapixel photograph decoded, and its copies. */
  public static final long DECODE_BYTES_PER_THREAD = 48L << 20;

  /** Heap per image for labels, groups and bookkeeping. */
  private static final long BYTES_PER_IMAGE = 64;

  public DataFootprint {
    Preconditions.checkArgument(images >= 0, "images must be >= 0, but was %s", images);
    Preconditions.checkArgument(
        dataBytes >= 0 && decodeBytes >= 0 && modelBytes >= 0 && batchBytes >= 0,
        "byte counts must be >= 0, but were %s, %s, %s, %s",
        dataBytes,
        decodeBytes,
        modelBytes,
        batchBytes);
  }

  /**
   * The data of {@code images} images of {@code channels x size x size} bytes: mapped from the
   * cache or on the heap, decoded by {@code decodeThreads} threads (0: already decoded).
   */
  public static DataFootprint images(
      int images, int channels, int size, boolean mapped, int decodeThreads) {
    Preconditions.checkArgument(
        decodeThreads >= 0, "decodeThreads must be >= 0, but was %s", decodeThreads);
    return new DataFootprint(
        images,
        (long) images * channels * size * size,
        mapped,
        decodeThreads * DECODE_BYTES_PER_THREAD,
        0,
        0);
  }

  /**
   * The same data, trained with a model of {@code parameters} float32 parameters (weights,
   * gradients and two Adam moments each) on batches of {@code batchSize} images of {@code values}
   * values each.
   */
  public DataFootprint withTraining(long parameters, int batchSize, int values) {
    Preconditions.checkArgument(parameters >= 0, "parameters must be >= 0, but was %s", parameters);
    Preconditions.checkArgument(batchSize > 0, "batchSize must be > 0, but was %s", batchSize);
    return new DataFootprint(
        images,
        dataBytes,
        dataMapped,
        decodeBytes,
        parameters * 4 * 4,
        (long) batchSize * values * (1 + 4 + 4));
  }

  /** Heap the run needs: the base, bookkeeping, decoding, and the data unless it is mapped. */
  public long heapBytes() {
    return BASE_HEAP_BYTES + images * BYTES_PER_IMAGE + decodeBytes + (dataMapped ? 0 : dataBytes);
  }

  /** Memory outside the heap: the mapped data, the model and a batch. */
  public long nativeBytes() {
    return (dataMapped ? dataBytes : 0) + modelBytes + batchBytes;
  }

  /** Everything the process needs. */
  public long totalBytes() {
    return heapBytes() + nativeBytes();
  }

  /** A heap for this run with a quarter more for headroom, rounded up to 64 MiB. */
  public long suggestedHeapBytes() {
    long withHeadroom = heapBytes() + heapBytes() / 4;
    long unit = 64L << 20;
    return (withHeadroom + unit - 1) / unit * unit;
  }

  /** {@link #suggestedHeapBytes()} as a JVM option, e.g. {@code -Xmx1024m}. */
  public String heapOption() {
    return "-Xmx" + (suggestedHeapBytes() >> 20) + "m";
  }

  /**
   * Why a heap of {@code maxHeap} bytes on a machine of {@code machine} bytes (0: unknown) cannot
   * hold this run, as one line; empty if it can.
   */
  public Optional<String> shortfall(long maxHeap, long machine) {
    String what =
        String.format(
            Locale.ROOT,
            "%,d images need %s (data %s%s, decoding %s%s)",
            images,
            "%s",
            size(dataBytes),
            dataMapped ? " mapped from the cache" : " on the heap",
            size(decodeBytes),
            modelBytes + batchBytes > 0
                ? ", model and batches " + size(modelBytes + batchBytes)
                : "");
    String change = "lower --image-size or --samples";
    if (machine > 0 && totalBytes() > machine) {
      return Optional.of(
          String.format(what, size(totalBytes()) + " of memory")
              + ", but the machine has "
              + size(machine)
              + ": "
              + change);
    }
    if (heapBytes() > maxHeap) {
      String heap = String.format(what, size(heapBytes()) + " of heap");
      String raise = "raise the heap (JAVA_OPTS=" + heapOption() + ")";
      String cache = dataMapped ? "" : ", decode into the cache (--cache DIR)";
      return Optional.of(
          heap
              + ", but the heap's maximum is "
              + size(maxHeap)
              + ": "
              + raise
              + cache
              + " or "
              + change);
    }
    return Optional.empty();
  }

  /** Throws a {@link DataException} with {@link #shortfall} if the heap or machine is too small. */
  public void check(long maxHeap, long machine) {
    Optional<String> problem = shortfall(maxHeap, machine);
    if (problem.isPresent()) {
      throw new DataException(problem.get());
    }
  }

  /** This machine's physical memory in bytes; 0 if the JVM cannot tell. */
  public static long machineBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  /** Bytes in binary units with one decimal: {@code 3.6 GiB}, {@code 410.0 MiB}. */
  static String size(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }
}
