package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.djl.data.DataException;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Isic2019;
import io.flnas.djl.data.Split;
import io.flnas.metrics.GroupColumn;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ISIC loader on small ISIC-format folders that the test writes. */
class Isic2019Test {
  @TempDir Path dir;
  @TempDir Path cache;

  private final List<String> truth = new ArrayList<>();
  private final List<String> meta = new ArrayList<>();

  @BeforeEach
  void writeFolder() throws IOException {
    truth.add("image,MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK");
    meta.add("image,age_approx,anatom_site_general,lesion_id,sex");
    Files.createDirectories(dir.resolve(Isic2019.IMAGES));
    Random random = new Random(1);
    int id = 0;
    for (int c = 0; c < 8; c++) {
      for (int k = 0; k < 10; k++, id++) {
        String image = String.format("ISIC_%07d", id);
        double[] row = new double[9];
        row[c] = 1.0;
        truth.add(
            image
                + ","
                + String.join(
                    ",",
                    Arrays.stream(row)
                        .mapToObj(v -> String.format("%.1f", v))
                        .toArray(String[]::new)));
        String sex = k % 5 == 4 ? "" : k % 2 == 0 ? "male" : "female";
        String age = k % 7 == 6 ? "" : String.valueOf(15 + 10 * k);
        meta.add(image + "," + age + ",back,HAM_" + id + "," + sex);
        writeJpeg(dir.resolve(Isic2019.IMAGES).resolve(image + ".jpg"), random, c);
      }
    }
    flush();
  }

  /** The loader of the test's folder, with its cache in a folder of the test's. */
  private Isic2019.Builder isic() {
    return Isic2019.builder(dir).cache(cache);
  }

  private void flush() throws IOException {
    Files.write(dir.resolve(Isic2019.GROUND_TRUTH), truth);
    Files.write(dir.resolve(Isic2019.METADATA), meta);
  }

  private static void writeJpeg(Path file, Random random, int label) throws IOException {
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(200, 160, 140));
    g.fillRect(0, 0, 40, 30);
    g.setColor(new Color(30 * label, 60, 255 - 30 * label));
    g.fillOval(10 + random.nextInt(5), 5 + random.nextInt(5), 15, 15);
    g.dispose();
    ImageIO.write(image, "jpg", file.toFile());
  }

  @Test
  void loads_a_class_balanced_subset_split_70_20_10_with_unknown_attributes() {
    ImageDataset data = isic().subsetSize(40).imageSize(16).seed(3).load();

    assertThat(data.size()).isEqualTo(40);
    // 5 per class: 3 train, 1 validation, 1 test
    assertThat(data.train().count()).isEqualTo(8 * 3);
    assertThat(data.validation().count()).isEqualTo(8);
    assertThat(data.test().count()).isEqualTo(8);
    assertThat(IntStream.of(data.test().labels()).sorted().toArray())
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void the_split_is_deterministic_from_the_seed_and_maps_labels_and_attributes() {
    ImageDataset a = isic().subsetSize(80).imageSize(12).seed(3).load();
    ImageDataset b = isic().subsetSize(80).imageSize(12).seed(3).load();
    ImageDataset c = isic().subsetSize(80).imageSize(12).seed(4).load();

    assertThat(a.train().pixels()).isEqualTo(b.train().pixels());
    assertThat(a.train().pixels()).isNotEqualTo(c.train().pixels());
    assertThat(IntStream.of(a.train().labels()).distinct().count()).isEqualTo(8);
    assertThat(a.test().count()).isEqualTo(8);
    int[] allSex =
        IntStream.concat(
                IntStream.of(sex(a.train())),
                IntStream.concat(IntStream.of(sex(a.validation())), IntStream.of(sex(a.test()))))
            .toArray();
    assertThat(IntStream.of(allSex).filter(s -> s == GroupColumn.UNKNOWN).count()).isEqualTo(16);
    assertThat(IntStream.of(a.train().group("age").orElseThrow().membership()).boxed())
        .contains(0, 1, 2, GroupColumn.UNKNOWN);
    assertThat(a.train().groups()).extracting(GroupColumn::attribute).containsExactly("sex", "age");
    assertThat(a.input().height()).isEqualTo(12);
    assertThat(a.description()).contains("ISIC 2019", "MEL");
  }

  @Test
  void a_missing_csv_is_named() throws IOException {
    Files.delete(dir.resolve(Isic2019.METADATA));

    assertThatThrownBy(() -> isic().load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining("missing ISIC 2019 file")
        .hasMessageContaining(Isic2019.METADATA);
  }

  @Test
  void a_header_without_expected_columns_names_them() throws IOException {
    truth.set(0, "image,MEL,NV,BCC,AK,BKL,DF,VASC,UNK,EXTRA");
    flush();

    assertThatThrownBy(() -> isic().load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining(Isic2019.GROUND_TRUTH + " line 1")
        .hasMessageContaining("[SCC]");
  }

  @Test
  void a_label_row_that_is_not_one_hot_names_file_line_and_image() throws IOException {
    truth.set(5, "ISIC_0000004,1.0,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0");
    flush();

    assertThatThrownBy(() -> isic().load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining(Isic2019.GROUND_TRUTH + " line 6 (image ISIC_0000004)")
        .hasMessageContaining("not one-hot")
        .hasMessageContaining("MEL=1.0, NV=1.0");
  }

  @Test
  void an_unreadable_or_impossible_age_or_sex_names_the_line_field_and_value() throws IOException {
    meta.set(3, "ISIC_0000002,forty,back,HAM_2,male");
    flush();
    assertThatThrownBy(() -> isic().load())
        .hasMessageContaining(
            Isic2019.METADATA + " line 4: field age_approx must be a number," + " but was 'forty'");

    meta.set(3, "ISIC_0000002,-5,back,HAM_2,male");
    flush();
    assertThatThrownBy(() -> isic().load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining(
            Isic2019.METADATA + " line 4: field age_approx must be in [0, 120]," + " but was '-5'");

    meta.set(3, "ISIC_0000002,125,back,HAM_2,male");
    flush();
    assertThatThrownBy(() -> isic().load())
        .hasMessageContaining("line 4: field age_approx must be in [0, 120], but was '125'");

    meta.set(3, "ISIC_0000002,40,back,HAM_2,unknown-sex");
    flush();
    assertThatThrownBy(() -> isic().load())
        .hasMessageContaining("field sex must be male, female or empty, but was 'unknown-sex'");
  }

  @Test
  void an_absent_or_undecodable_image_fails_or_is_skipped_and_counted() throws IOException {
    Files.delete(dir.resolve(Isic2019.IMAGES).resolve("ISIC_0000000.jpg"));
    Files.writeString(dir.resolve(Isic2019.IMAGES).resolve("ISIC_0000011.jpg"), "not a jpeg");

    assertThatThrownBy(() -> isic().subsetSize(80).load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining("ISIC_0000000.jpg is listed but absent")
        .hasMessageContaining("line 2")
        .hasMessageContaining("1 more bad image");

    ImageDataset data =
        isic().subsetSize(80).imageSize(8).badImages(Isic2019.BadImages.SKIP).load();
    assertThat(data.skipped()).isEqualTo(2);
    assertThat(data.size()).isEqualTo(78);
  }

  @Test
  void a_missing_folder_is_named() {
    assertThatThrownBy(() -> Isic2019.builder(dir.resolve("nope")).load())
        .isInstanceOf(DataException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("does not exist");
  }

  private static int[] sex(Split split) {
    return split.group("sex").orElseThrow().membership();
  }

  @Test
  void images_decode_alike_on_the_hosts_executor_and_on_the_loaders_own_pool() {
    java.util.concurrent.ExecutorService host =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      ImageDataset own =
          isic().noCache().subsetSize(40).imageSize(8).seed(3).decodeThreads(1).load();
      ImageDataset onHost =
          isic().noCache().subsetSize(40).imageSize(8).seed(3).executor(host).load();

      assertThat(onHost.train().pixels()).isEqualTo(own.train().pixels());
      assertThat(host.isShutdown()).as("the host's executor stays the host's").isFalse();
    } finally {
      host.shutdownNow();
    }
  }
}
