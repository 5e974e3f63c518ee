package io.flnas.examples;

import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.data.DataFootprint;
import io.flnas.djl.data.Isic2019;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The JVM heap a flnas process needs, from the same estimate the loader checks before it decodes
 * ({@link DataFootprint}): the launcher {@code bin/flnas} starts the program with it unless {@code
 * JAVA_OPTS} names a heap, and the coordinator starts its local workers with it, instead of the
 * JVM's default (a quarter of the machine, which the JVM then fills before it collects: 2.07 GB
 * resident for the default run, against about 1 GB with a sized heap) or a fixed 1 GB.
 *
 * <p>The heap holds the bookkeeping and, for data decoded without the cache, the images; tensors
 * and mapped images are outside it. The floor covers what every run holds besides the data
 * (Hazelcast on a cluster, the journal, the report's plots).
 */
final class HeapSize {
  /** The least heap a run gets, whatever its data. */
  static final long FLOOR_BYTES = 384L << 20;

  /** ISIC 2019's training images, for {@code --samples all} where the folder cannot be read. */
  static final int ISIC_2019_IMAGES = 25_331;

  private HeapSize() {}

  /** The heap, in MiB, for the data a spec names. */
  static int megabytes(WorkSpec spec) {
    return megabytes(spec.data(), spec.samples(), spec.imageSize());
  }

  /** The heap, in MiB, for {@code samples} images of {@code data} at {@code imageSize} pixels. */
  static int megabytes(String data, int samples, int imageSize) {
    boolean isic = data.startsWith("isic:");
    int images = samples == WorkSpec.ALL_SAMPLES ? isicImages(data) : samples;
    // ISIC images are decoded once into the mapped cache, by one thread per core
    DataFootprint need =
        DataFootprint.images(
            images,
            3,
            imageSize,
            isic,
            isic ? Math.max(1, Runtime.getRuntime().availableProcessors()) : 0);
    return (int) (Math.max(FLOOR_BYTES, need.suggestedHeapBytes()) >> 20);
  }

  /** The images an ISIC folder's ground truth lists, or ISIC 2019's count where it cannot. */
  private static int isicImages(String data) {
    Path truth = Path.of(data.substring("isic:".length())).resolve(Isic2019.GROUND_TRUTH);
    try (Stream<String> lines = Files.lines(truth)) {
      return (int) Math.max(1, lines.count() - 1);
    } catch (IOException | RuntimeException e) {
      return ISIC_2019_IMAGES;
    }
  }

  /**
   * Prints the heap option for a command line, {@code -Xmx<N>m}: what the launcher script asks
   * before it starts the program. Reads only {@code --data}, {@code --samples} and {@code
   * --image-size} (either {@code --name value} or {@code --name=value}) with the program's
   * defaults, and never fails: whatever it cannot read takes the default, and the program itself
   * reports bad arguments.
   */
  public static void main(String[] args) {
    System.out.println(option(args));
  }

  /** The heap option {@link #main} prints for {@code args}. */
  static String option(String... args) {
    String data = "synthetic";
    String samples = null;
    String imageSize = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        value = arg.substring(equals + 1);
        arg = arg.substring(0, equals);
      }
      if (value == null) {
        continue;
      }
      switch (arg) {
        case "--data" -> data = value;
        case "--samples" -> samples = value;
        case "--image-size" -> imageSize = value;
        default -> {}
      }
    }
    boolean synthetic = !data.startsWith("isic:");
    int images = parse(samples, synthetic ? DataOptions.SYNTHETIC_SAMPLES : 5000);
    int size = parse(imageSize, synthetic ? DataOptions.SYNTHETIC_IMAGE_SIZE : 64);
    return "-Xmx" + megabytes(data, images, size) + "m";
  }

  private static int parse(String value, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.equals("all")) {
      return WorkSpec.ALL_SAMPLES;
    }
    try {
      return Math.max(1, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
