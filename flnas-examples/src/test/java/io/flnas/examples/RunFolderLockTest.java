package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run folder, one writer. */
class RunFolderLockTest {
  @TempDir Path dir;

  @Test
  void a_resume_while_the_run_lives_exits_2_naming_the_folder_and_the_pid_and_writes_nothing()
      throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    Files.writeString(journal, "{\"type\":\"header\"}\n");
    long pid = ProcessHandle.current().pid();
    try (RunFolder.Lock running = RunFolder.lock(dir)) {
      assertThat(Files.readString(dir.resolve(RunFolder.LOCK)).trim())
          .isEqualTo(String.valueOf(pid));

      FlNasMainTest.Run second = FlNasMainTest.run(FlNasMainTest.tiny(dir, "--resume"));

      assertThat(second.code()).isEqualTo(2);
      assertThat(second.err())
          .contains("run folder " + dir, "in use by another flnas process", "pid " + pid)
          .doesNotContain("\tat ");
      assertThat(second.out()).doesNotContain("baseline");
      assertThat(Files.readString(journal)).isEqualTo("{\"type\":\"header\"}\n");
    }
    try (RunFolder.Lock again = RunFolder.lock(dir)) {
      assertThat(again).as("released when its holder closed it").isNotNull();
    }
  }
}
