package io.flnas.djl.data;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Writes ISIC-2019-format folders for tests and benchmarks: the ground truth and metadata CSVs and
 * one JPEG per image, lesion-like (a skin-coloured gradient, a dark blob, noise), each image's size
 * chosen from {@code sizes} in turn.
 */
public final class IsicFolders {
  private IsicFolders() {}

  /**
   * Writes {@code images} images into {@code dir}, classes in turn, with sex and age cycling
   * through male, female, unknown and several ages; JPEGs written on {@code threads} threads.
   */
  public static void write(Path dir, int images, int[][] sizes, long seed, int threads) {
    try {
      Files.createDirectories(dir.resolve(Isic2019.IMAGES));
      List<String> truth = new ArrayList<>();
      List<String> meta = new ArrayList<>();
      truth.add("image,MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK");
      meta.add("image,age_approx,anatom_site_general,lesion_id,sex");
      for (int i = 0; i < images; i++) {
        String image = name(i);
        int label = i % 8;
        StringBuilder row = new StringBuilder(image);
        for (int c = 0; c < 9; c++) {
          row.append(c == label ? ",1.0" : ",0.0");
        }
        truth.add(row.toString());
        int k = i / 8;
        String sex = k % 5 == 4 ? "" : k % 2 == 0 ? "male" : "female";
        String age = k % 7 == 6 ? "" : String.valueOf(15 + 10 * (k % 8));
        meta.add(image + "," + age + ",back,HAM_" + i + "," + sex);
      }
      Files.write(dir.resolve(Isic2019.GROUND_TRUTH), truth);
      Files.write(dir.resolve(Isic2019.METADATA), meta);
      java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
      try {
        pool.submit(
                () ->
                    IntStream.range(0, images)
                        .parallel()
                        .forEach(
                            i -> {
                              int[] size = sizes[i % sizes.length];
                              writeJpeg(image(dir, i), size[0], size[1], seed + i, i % 8);
                            }))
            .get();
      } finally {
        pool.shutdownNow();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The image name of index {@code i}. */
  public static String name(int i) {
    return String.format(Locale.ROOT, "ISIC_%07d", i);
  }

  /** The JPEG file of image {@code i}. */
  public static Path image(Path dir, int i) {
    return dir.resolve(Isic2019.IMAGES).resolve(name(i) + ".jpg");
  }

  /** Writes one lesion-like JPEG of {@code width x height}. */
  public static void writeJpeg(Path file, int width, int height, long seed, int label) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(
        new GradientPaint(0, 0, new Color(215, 170, 150), width, height, new Color(180, 130, 110)));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(30 * label, 60 + random.nextInt(40), 255 - 30 * label));
    int r = Math.min(width, height) / 4;
    g.fillOval(width / 2 - r + random.nextInt(r / 2 + 1), height / 2 - r, 2 * r, 2 * r);
    g.dispose();
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    for (int p = 0; p < rgb.length; p++) {
      int noise = random.nextInt(17) - 8;
      int v = rgb[p];
      int red = clamp(((v >> 16) & 0xff) + noise);
      int green = clamp(((v >> 8) & 0xff) + noise);
      int blue = clamp((v & 0xff) + noise);
      rgb[p] = (red << 16) | (green << 8) | blue;
    }
    image.setRGB(0, 0, width, height, rgb, 0, width);
    try {
      ImageIO.write(image, "jpg", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
