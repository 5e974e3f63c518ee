package io.flnas.djl.bench;

import io.flnas.djl.data.Decoders;
import io.flnas.djl.data.IsicFolders;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG decode-and-resize rates of the JDK's ImageIO reader (the loader's) against TwelveMonkeys'
 * imageio-jpeg, and the JDK's reader with source subsampling (every k-th pixel read, k chosen so
 * the subsampled side stays at least twice the target), on lesion-like JPEGs of 600x450 and
 * 1024x1024 resized to 224 px by the loader's centre crop and bilinear resize, one thread, in three
 * interleaved rounds (on a loaded machine, compare each variant's best round). Prints each
 * variant's rate per size and how far its pixels are from the loader's (mean and largest absolute
 * difference in 8-bit levels). Run with {@code ./mvnw -o -q -pl flnas-djl -am test-compile} and
 * then {@code java -cp "flnas-djl/target/test-classes:flnas-djl/target/classes:$( cat cp.txt)"
 * io.flnas.djl.bench.DecoderBenchmark [images-per-size] [size]}, {@code cp.txt} from {@code ./mvnw
 * -o -q -pl flnas-djl dependency:build-classpath -Dmdep.outputFile=cp.txt
 * -Dmdep.includeScope=test}.
 */
public final class DecoderBenchmark {
  private DecoderBenchmark() {}

  /** One way to decode and resize a file. */
  private interface Variant {
    byte[] decode(Path file, int size) throws IOException;
  }

  public static void main(String[] args) throws IOException {
    int perSize = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
    Path dir = Files.createTempDirectory("flnas-decoders");
    int[][] shapes = {{600, 450}, {1024, 1024}};
    for (int[] shape : shapes) {
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < perSize; i++) {
        Path file = dir.resolve(shape[0] + "x" + shape[1] + "-" + i + ".jpg");
        IsicFolders.writeJpeg(file, shape[0], shape[1], i, i % 8);
        files.add(file);
      }
      List<byte[]> reference = new ArrayList<>();
      for (Path file : files) {
        reference.add(Decoders.loader(file, size));
      }
      for (int round = 1; round <= 3; round++) {
        String what =
            String.format(Locale.ROOT, "%dx%d -> %d px, round %d", shape[0], shape[1], size, round);
        measure("imageio (jdk, the loader's)", what, files, size, reference, Decoders::loader);
        measure(
            "twelvemonkeys imageio-jpeg",
            what,
            files,
            size,
            reference,
            (f, s) -> Decoders.resize(read(f, "com.twelvemonkeys.", 1), s));
        measure(
            "imageio (jdk) subsampled",
            what,
            files,
            size,
            reference,
            (f, s) -> Decoders.resize(read(f, "com.sun.imageio.", subsampling(shape, s)), s));
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int subsampling(int[] shape, int size) {
    return Math.max(1, Math.min(shape[0], shape[1]) / (2 * size));
  }

  private static void measure(
      String name, String what, List<Path> files, int size, List<byte[]> reference, Variant v)
      throws IOException {
    for (Path file : files) {
      v.decode(file, size); // warm-up
    }
    long start = System.nanoTime();
    List<byte[]> out = new ArrayList<>();
    for (Path file : files) {
      out.add(v.decode(file, size));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long sum = 0;
    int max = 0;
    long values = 0;
    for (int i = 0; i < out.size(); i++) {
      byte[] a = out.get(i);
      byte[] b = reference.get(i);
      for (int p = 0; p < a.length; p++) {
        int d = Math.abs((a[p] & 0xff) - (b[p] & 0xff));
        sum += d;
        max = Math.max(max, d);
      }
      values += a.length;
    }
    System.out.printf(
        Locale.ROOT,
        "decoder: %-30s %s: %6.1f img/s (%d images, 1 thread), vs loader mean |diff| %.3f, max %d%n",
        name,
        what,
        files.size() / seconds,
        files.size(),
        (double) sum / values,
        max);
  }

  /** Reads with the first reader whose class starts with {@code prefix}, subsampling by k. */
  private static BufferedImage read(Path file, String prefix, int k) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      while (readers.hasNext()) {
        ImageReader reader = readers.next();
        if (reader.getClass().getName().startsWith(prefix)) {
          try {
            reader.setInput(in, true, true);
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(k, k, 0, 0);
            return reader.read(0, param);
          } finally {
            reader.dispose();
          }
        }
      }
    }
    throw new IllegalStateException("no JPEG reader " + prefix + "* on the classpath");
  }
}
