package io.flnas.djl.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Decodes image files into normalized CHW pixels, centre-cropped to a square and resized bilinearly
 * to {@code size}, on the executor it is given (the caller owns it). Each image lands at its own
 * index, so the result does not depend on the order the threads finish in.
 */
final class ImageDecoder {
  private final int size;
  private final Executor executor;

  ImageDecoder(int size, Executor executor) {
    this.size = size;
    this.executor = executor;
  }

  /**
   * Decodes the file of each item; an absent or undecodable image is {@code null} in the result and
   * its error goes to {@code problems} (sorted), each followed by {@code where} of its item.
   */
  <E> List<float[]> decode(
      List<E> items, Function<E, Path> file, Function<E, String> where, List<String> problems) {
    List<float[]> images = new ArrayList<>(Collections.nCopies(items.size(), null));
    List<String> found = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      E item = items.get(i);
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  float[] pixels = pixels(file.apply(item));
                  synchronized (images) {
                    images.set(index, pixels);
                  }
                } catch (DataException e) {
                  found.add(e.getMessage() + where.apply(item));
                }
              },
              executor));
    }
    try {
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    List<String> sorted = new ArrayList<>(found);
    Collections.sort(sorted);
    problems.addAll(sorted);
    synchronized (images) {
      return new ArrayList<>(images);
    }
  }

  /** Decodes, centre-crops to a square, resizes bilinearly and normalizes one image. */
  float[] pixels(Path file) {
    BufferedImage source;
    try {
      if (!Files.isRegularFile(file)) {
        throw new DataException("image " + file + " is listed but absent");
      }
      source = javax.imageio.ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DataException("image " + file + " cannot be decoded: " + e.getMessage(), e);
    }
    if (source == null) {
      throw new DataException("image " + file + " cannot be decoded: not a known image format");
    }
    int side = Math.min(source.getWidth(), source.getHeight());
    int x0 = (source.getWidth() - side) / 2;
    int y0 = (source.getHeight() - side) / 2;
    BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = resized.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    float[] out = new float[3 * size * size];
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = resized.getRGB(x, y);
        int[] channel = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
          out[c * plane + y * size + x] =
              (channel[c] / 255f - ImageDataset.MEAN[c]) / ImageDataset.STD[c];
        }
      }
    }
    return out;
  }
}
