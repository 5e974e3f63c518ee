package io.flnas.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The 8-bit store and its normalization against the float pixels the loaders used to keep. */
class CompactImagesTest {
  @Test
  void eight_bit_pixels_normalize_to_the_float_values_within_rounding() {
    int size = 6;
    int n = 5;
    Random random = new Random(1);
    ImageStore store = ImageStore.allocate(n, 3, size, size);
    double[][] exact = new double[n][3 * size * size];
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[3 * size * size];
      for (int v = 0; v < bytes.length; v++) {
        exact[i][v] = random.nextDouble();
        bytes[v] = CompactImages.quantize(exact[i][v]);
      }
      store.write(i, bytes);
    }
    CompactImages images = CompactImages.imageNet(store, new int[] {4, 0, 2});

    float[] normalized = new float[3 * size * size];
    images.normalized(0, normalized, 0);

    int plane = size * size;
    for (int v = 0; v < normalized.length; v++) {
      int c = v / plane;
      // what the float path held: (value - mean) / std, straight from the drawn value
      float floatPath = (float) ((exact[4][v] - ImageDataset.MEAN[c]) / ImageDataset.STD[c]);
      assertThat(normalized[v])
          .isCloseTo(floatPath, within(0.5f / 255 / ImageDataset.STD[c] + 1e-5f));
    }
    assertThat(images.count()).isEqualTo(3);
    assertThat(images.select(new int[] {2}).store()).isSameAs(store);
  }

  @Test
  void a_split_of_compact_images_gives_its_pixels_as_floats_and_digests_its_bytes() {
    ImageStore store = ImageStore.allocate(2, 3, 2, 2);
    store.write(0, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
    store.write(1, new byte[12]);
    Split split =
        new Split(
            CompactImages.imageNet(store, new int[] {0, 1}), new int[] {1, 0}, java.util.List.of());

    float[] pixels = split.pixels();

    assertThat(pixels).hasSize(24);
    assertThat(pixels[11]).isCloseTo((1f - 0.406f) / 0.225f, within(1e-6f));
    assertThat(pixels[12]).isCloseTo(-0.485f / 0.229f, within(1e-6f));
    assertThat(split.height()).isEqualTo(2);
  }

  @Test
  void images_past_one_segment_read_back_from_the_right_place() {
    int images = 7;
    ImageStore store = ImageStore.allocate(images, 3, 4, 4, 2 * 48 + 10);
    for (int i = 0; i < images; i++) {
      byte[] image = new byte[48];
      java.util.Arrays.fill(image, (byte) i);
      store.write(i, image);
    }

    byte[] read = new byte[48];
    store.read(5, read, 0);
    java.nio.ByteBuffer into = java.nio.ByteBuffer.allocate(96);
    store.read(6, into);
    store.read(2, into);

    assertThat(read).containsOnly(5);
    assertThat(into.array()[47]).isEqualTo((byte) 6);
    assertThat(into.array()[48]).isEqualTo((byte) 2);
    assertThat(store.byteSize()).isEqualTo(48L * images);
  }
}
