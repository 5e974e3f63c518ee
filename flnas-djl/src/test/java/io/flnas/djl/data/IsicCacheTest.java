package io.flnas.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flnas.djl.cluster.WorkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ISIC loader's decoded-image cache, its decode threads' failures, its memory estimate and its
 * subsets, on a tiny folder.
 */
class IsicCacheTest {
  @TempDir Path dir;
  @TempDir Path cache;

  private final AtomicInteger decoded = new AtomicInteger();
  private final List<String> lines = new ArrayList<>();

  /** ImageIO, counting the images it decodes. */
  private final ImageDecoder counting =
      new ImageDecoder() {
        @Override
        public String method() {
          return ImageDecoder.imageIo().method();
        }

        @Override
        public byte[] decode(Path file, int size) {
          decoded.incrementAndGet();
          return ImageDecoder.imageIo().decode(file, size);
        }
      };

  @BeforeEach
  void writeFolder() {
    IsicFolders.write(dir, 48, new int[][] {{24, 18}, {20, 20}}, 1, 2);
  }

  private Isic2019.Builder isic() {
    return Isic2019.builder(dir)
        .cache(cache)
        .subsetSize(40)
        .imageSize(8)
        .seed(3)
        .decoder(counting)
        .progress(lines::add);
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.sorted().toList();
    }
  }

  @Test
  void a_second_load_maps_the_cache_and_decodes_nothing() throws IOException {
    ImageDataset first = isic().load();
    assertThat(decoded.get()).isEqualTo(40);
    assertThat(lines).anyMatch(l -> l.startsWith("isic: decoded 40 images in "));

    ImageDataset second = isic().load();

    assertThat(decoded.get()).as("nothing decoded the second time").isEqualTo(40);
    assertThat(lines).anyMatch(l -> l.startsWith("isic: cached load of 40 images in "));
    assertThat(second.train().pixels()).isEqualTo(first.train().pixels());
    assertThat(second.test().labels()).isEqualTo(first.test().labels());
    assertThat(cacheFiles()).hasSize(1);
    assertThat(Files.size(cacheFiles().get(0))).isEqualTo(DecodedCache.HEADER + 40L * 3 * 8 * 8);
  }

  @Test
  void a_worker_told_the_cache_by_property_fills_the_file_the_coordinator_maps()
      throws IOException {
    String before = System.getProperty(Isic2019.CACHE_PROPERTY);
    System.setProperty(Isic2019.CACHE_PROPERTY, cache.toString());
    try {
      assertThat(Isic2019.defaultCache()).isEqualTo(cache);
      ImageDataset worker = WorkSpec.djl("isic:" + dir, 40, 8, 3, 1, 1).loadDataset();

      ImageDataset coordinator = isic().load();

      assertThat(decoded.get()).as("the coordinator decodes nothing").isZero();
      assertThat(lines).anyMatch(l -> l.startsWith("isic: cached load of 40 images in "));
      assertThat(coordinator.train().pixels()).isEqualTo(worker.train().pixels());
    } finally {
      if (before == null) {
        System.clearProperty(Isic2019.CACHE_PROPERTY);
      } else {
        System.setProperty(Isic2019.CACHE_PROPERTY, before);
      }
    }
  }

  @Test
  void a_changed_source_file_or_size_misses_the_cache() throws IOException {
    ImageDataset first = isic().load();
    Path changed = IsicFolders.image(dir, 0);
    IsicFolders.writeJpeg(changed, 24, 18, 99, 0);
    Files.setLastModifiedTime(changed, FileTime.fromMillis(1_000_000));

    ImageDataset second = isic().load();

    assertThat(decoded.get()).isEqualTo(80);
    assertThat(cacheFiles()).hasSize(2);
    assertThat(second.train().labels()).isEqualTo(first.train().labels());

    isic().imageSize(10).load();
    assertThat(decoded.get()).as("another image size is another cache").isEqualTo(120);
  }

  @Test
  void a_torn_write_is_ignored_and_its_leftovers_cleaned() throws Exception {
    ImageDataset reference = isic().noCache().load();
    isic().load();
    Path file = cacheFiles().get(0);
    // a writer killed mid-write: its temporary file stays, from a process that is gone
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path temp = file.resolveSibling(file.getFileName() + "." + gone.pid() + ".tmp");
    Files.write(temp, new byte[100]);
    // and a truncated store in place of the file (as no rename ever leaves, but a disk might)
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
    int before = decoded.get();

    ImageDataset again = isic().load();

    assertThat(decoded.get()).as("the truncated file is decoded anew").isEqualTo(before + 40);
    assertThat(again.train().pixels()).isEqualTo(reference.train().pixels());
    assertThat(cacheFiles()).containsExactly(file);
  }

  @Test
  void a_failure_while_writing_leaves_no_cache_file() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    ImageDecoder failing =
        new ImageDecoder() {
          @Override
          public String method() {
            return ImageDecoder.imageIo().method();
          }

          @Override
          public byte[] decode(Path file, int size) {
            if (calls.incrementAndGet() == 5) {
              throw new IllegalStateException("disk on fire");
            }
            return ImageDecoder.imageIo().decode(file, size);
          }
        };

    assertThatThrownBy(() -> isic().decoder(failing).load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining("disk on fire");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void out_of_memory_in_a_decode_thread_ends_the_load_with_one_line() {
    ImageDecoder starving =
        new ImageDecoder() {
          @Override
          public String method() {
            return "starving";
          }

          @Override
          public byte[] decode(Path file, int size) {
            if (file.getFileName().toString().equals(IsicFolders.name(3) + ".jpg")) {
              throw new OutOfMemoryError("Java heap space");
            }
            return ImageDecoder.imageIo().decode(file, size);
          }
        };

    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            assertThatThrownBy(() -> isic().decoder(starving).decodeThreads(3).load())
                .isInstanceOf(DataException.class)
                .hasMessageContaining(IsicFolders.name(3))
                .hasMessageContaining("OutOfMemoryError: Java heap space")
                .hasMessageContaining("JAVA_OPTS=-Xmx")
                .hasMessageNotContaining("\n"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            assertThatThrownBy(() -> isic().noCache().decoder(starving).load())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("OutOfMemoryError"));
  }

  @Test
  void a_heap_too_small_for_the_data_stops_before_decoding_with_what_to_change() {
    assertThatThrownBy(() -> isic().noCache().maxHeap(100L << 20).load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining("40 images need")
        .hasMessageContaining("of heap")
        .hasMessageContaining("but the heap's maximum is 100.0 MiB")
        .hasMessageContaining("JAVA_OPTS=-Xmx")
        .hasMessageContaining("--cache DIR")
        .hasMessageContaining("--image-size")
        .hasMessageContaining("--samples")
        .hasMessageNotContaining("\n");
    assertThat(decoded.get()).isZero();
  }

  @Test
  void all_samples_takes_every_image_and_the_subset_reports_its_classes_and_groups() {
    ImageDataset all = isic().allSamples().load();

    assertThat(all.size()).isEqualTo(48);
    assertThat(lines.get(0)).startsWith("isic: all 48 of 48 images (seed 3)");

    lines.clear();
    ImageDataset balanced = isic().load();
    assertThat(balanced.size()).isEqualTo(40);
    assertThat(lines.get(0))
        .startsWith("isic: balanced subset of 40 of 48 images (seed 3): train 24, validation 8,")
        .contains("per class MEL 5, NV 5, BCC 5")
        .contains("; sex male ")
        .contains("; age young ")
        .contains("unknown");
  }
}
