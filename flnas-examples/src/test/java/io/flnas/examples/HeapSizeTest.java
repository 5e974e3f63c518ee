package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.djl.cluster.WorkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapSizeTest {
  @Test
  void theDefaultRunGetsTheFloorNotAQuarterOfTheMachine() {
    assertThat(HeapSize.option()).isEqualTo("-Xmx384m");
    assertThat(HeapSize.option("--iterations", "5", "--out", "x")).isEqualTo("-Xmx384m");
  }

  @Test
  void imagesHeldOnTheHeapGrowIt() {
    // 20,000 synthetic images of 3x64x64 bytes (234 MiB) on the heap, plus the base and a quarter
    long images = 20_000L * 3 * 64 * 64;
    int mb =
        Integer.parseInt(
            HeapSize.option("--samples", "20000", "--image-size=64").replaceAll("\\D", ""));
    assertThat((long) mb << 20).isGreaterThan(images + (192L << 20));
    assertThat(mb).isLessThan(1024);
  }

  @Test
  void mappedIsicImagesStayOffTheHeap(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of("image,MEL,NV"));
    for (int i = 0; i < 30_000; i++) {
      lines.add("ISIC_" + i + ",1,0");
    }
    Files.write(dir.resolve("ISIC_2019_Training_GroundTruth.csv"), lines);
    int all = HeapSize.megabytes("isic:" + dir, WorkSpec.ALL_SAMPLES, 224);
    // 30,000 images of 224 px are 4.2 GiB, in the mapped cache; the heap holds their bookkeeping
    assertThat(all).isLessThan(1024);
    assertThat(HeapSize.option("--data", "isic:" + dir, "--samples", "all", "--image-size", "224"))
        .isEqualTo("-Xmx" + all + "m");
  }

  @Test
  void whatItCannotReadTakesTheDefault() {
    assertThat(HeapSize.option("--samples", "many", "--image-size")).isEqualTo("-Xmx384m");
  }
}
