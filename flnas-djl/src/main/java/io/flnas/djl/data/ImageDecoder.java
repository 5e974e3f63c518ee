package io.flnas.djl.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes one image file into 8-bit CHW RGB pixels, centre-cropped to a square and resized to a
 * side of {@code size}. Its {@link #method} names the decoding and resizing, so a cache of decoded
 * images made by one method is never read as another's.
 */
interface ImageDecoder {
  /** Names the decoder and its resize; part of the decoded-image cache's key. */
  String method();

  /**
   * The file's pixels, {@code 3 x size x size}; a {@link DataException} naming the file for an
   * absent or undecodable image. Called from several threads at once.
   */
  byte[] decode(Path file, int size);

  /**
   * The JDK's ImageIO: decodes the whole image, centre-crops it and resizes it bilinearly with
   * Java2D.
   */
  static ImageDecoder imageIo() {
    return ImageIoDecoder.INSTANCE;
  }

  /** ImageIO with Java2D's bilinear resize; see {@link ImageDecoder#imageIo()}. */
  enum ImageIoDecoder implements ImageDecoder {
    INSTANCE;

    @Override
    public String method() {
      return "imageio-centre-crop-bilinear-v1";
    }

    @Override
    public byte[] decode(Path file, int size) {
      BufferedImage source;
      try {
        if (!Files.isRegularFile(file)) {
          throw new DataException("image " + file + " is listed but absent");
        }
        source = read(file);
      } catch (IOException e) {
        throw new DataException("image " + file + " cannot be decoded: " + e.getMessage(), e);
      }
      if (source == null) {
        throw new DataException("image " + file + " cannot be decoded: not a known image format");
      }
      return resize(source, size);
    }
  }

  /**
   * Reads an image with the JDK's own JPEG reader when the file is a JPEG (a plug-in on the
   * classpath, such as TwelveMonkeys', would otherwise take over and the cache's method would no
   * longer say what decoded it), else with whichever reader ImageIO picks.
   */
  static BufferedImage read(Path file) throws IOException {
    try (javax.imageio.stream.ImageInputStream in =
        javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return null;
      }
      java.util.Iterator<javax.imageio.ImageReader> readers =
          javax.imageio.ImageIO.getImageReaders(in);
      javax.imageio.ImageReader chosen = null;
      while (readers.hasNext()) {
        javax.imageio.ImageReader reader = readers.next();
        if (chosen == null || reader.getClass().getName().startsWith("com.sun.imageio.")) {
          chosen = reader;
        }
      }
      if (chosen == null) {
        return null;
      }
      try {
        chosen.setInput(in, true, true);
        return chosen.read(0);
      } finally {
        chosen.dispose();
      }
    }
  }

  /** Centre-crops {@code source} to a square, resizes it bilinearly and lays it out as CHW. */
  static byte[] resize(BufferedImage source, int size) {
    int side = Math.min(source.getWidth(), source.getHeight());
    int x0 = (source.getWidth() - side) / 2;
    int y0 = (source.getHeight() - side) / 2;
    BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = resized.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    int[] rgb = ((DataBufferInt) resized.getRaster().getDataBuffer()).getData();
    int plane = size * size;
    byte[] out = new byte[3 * plane];
    for (int p = 0; p < plane; p++) {
      int v = rgb[p];
      out[p] = (byte) (v >> 16);
      out[plane + p] = (byte) (v >> 8);
      out[2 * plane + p] = (byte) v;
    }
    return out;
  }
}
