package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.data.Isic2019;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --samples all} and {@code --cache} on the command line. */
class DataOptionsTest {
  @TempDir Path dir;

  @Test
  void samples_all_takes_every_isic_image_and_is_written_back_as_all() throws Exception {
    Files.createDirectories(dir.resolve("isic"));

    RunPlan plan =
        FlNasMain.plan(
            "--data",
            "isic:" + dir.resolve("isic"),
            "--samples",
            "all",
            "--cache",
            "c",
            "--out",
            "run");

    assertThat(plan.training().samples()).isEqualTo(WorkSpec.ALL_SAMPLES);
    assertThat(plan.options().get("--samples")).isEqualTo(List.of("all"));
    assertThat(plan.options()).doesNotContainKey("--cache");
  }

  @Test
  void local_workers_are_told_the_cache_folder_so_they_map_the_coordinators_file() {
    Path chosen = dir.resolve("cache");

    assertThat(ClusterOptions.workerProperties(chosen))
        .containsEntry(Isic2019.CACHE_PROPERTY, chosen.toAbsolutePath().toString())
        .containsEntry("ai.djl.offline", "true");
    assertThat(ClusterOptions.workerProperties(null))
        .as("without --cache, the default this process would use")
        .containsEntry(
            Isic2019.CACHE_PROPERTY, Isic2019.defaultCache().toAbsolutePath().toString());
  }

  @Test
  void samples_all_of_synthetic_data_or_a_word_is_a_usage_error_of_one_line() {
    FlNasMainTest.Run all = FlNasMainTest.run("--samples", "all", "--out", dir.toString());
    FlNasMainTest.Run word = FlNasMainTest.run("--samples", "many", "--out", dir.toString());

    assertThat(all.code()).isEqualTo(2);
    assertThat(all.err().strip())
        .contains("--samples all needs --data isic:<dir>")
        .doesNotContain("\n");
    assertThat(word.code()).isEqualTo(2);
    assertThat(word.err()).contains("--samples must be a number or all, but was 'many'");
  }
}
