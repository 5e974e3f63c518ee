package io.flnas.djl.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** The loader's decoding steps, opened to benchmarks in other packages. */
public final class Decoders {
  private Decoders() {}

  /** The loader's decoder: the JDK's JPEG reader, centre crop, Java2D bilinear resize. */
  public static byte[] loader(Path file, int size) {
    return ImageDecoder.imageIo().decode(file, size);
  }

  /** The loader's centre crop and resize of an image decoded some other way. */
  public static byte[] resize(BufferedImage image, int size) {
    return ImageDecoder.resize(image, size);
  }

  /** The loader's read: the JDK's own reader for a JPEG. */
  public static BufferedImage read(Path file) throws IOException {
    return ImageDecoder.read(file);
  }
}
