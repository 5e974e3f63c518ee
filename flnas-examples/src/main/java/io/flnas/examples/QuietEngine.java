package io.flnas.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the engine's start-up noise off the console of the program (not of the library), and keeps
 * it. DJL logs two "Failed to detect GPU count" warnings and INFO lines through SLF4J, which the
 * program turns down to errors; libtorch prints one-time warnings (such as "AutoNonVariableTypeMode
 * is deprecated", which DJL's {@code copyTo} set off before training stopped calling it) straight
 * to the process's standard error from native code, which no log level reaches. So, before the
 * search, the program trains a tiny model once with file descriptor 2 pointed at {@value #LOG} in
 * the run folder: the one-time warning fires there, and the descriptor is restored at once. {@code
 * --verbose} skips all of this.
 *
 * <p>What was hidden is kept, because it is what explains a failure: where the start-up fails with
 * an exception, the tail of the file is printed before the failure; where the process dies in
 * native code during it (an abort's "terminate called after throwing ..." went to the file, and
 * nothing of the JVM runs after an abort), the file lacks its last line {@value #FINISHED}, and the
 * next start in that folder prints its tail and keeps it as {@value #LOG}{@code .previous}. Every C
 * call's result is checked: where one fails, or the C library cannot be reached (not Linux), the
 * warm-up runs with standard error untouched.
 */
final class QuietEngine {
  /** The SLF4J simple logger's level property. */
  static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  /** The file in the run folder that keeps what the quiet start-up hid. */
  static final String LOG = "engine-start.log";

  /** The file's first line, before what the engine printed. */
  static final String STARTED = "flnas: engine start-up";

  /** The file's last line once the start-up finished. */
  static final String FINISHED = "flnas: engine start-up finished";

  /** How many of the kept lines are shown. */
  static final int TAIL = 30;

  private interface LibC extends Library {
    int dup(int fd);

    int dup2(int from, int to);

    int open(String path, int flags);

    int close(int fd);
  }

  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;
  private static final int O_APPEND = 02000;

  private QuietEngine() {}

  /**
   * Sets the program's log level: errors only, or everything from INFO up when verbose. Must run
   * before any library creates a logger; it is the program's choice, so it is made in the program's
   * entry point, never in the library.
   */
  static void logLevel(boolean verbose) {
    System.setProperty(LOG_LEVEL, verbose ? "info" : "error");
  }

  private static LibC libc() {
    try {
      return Platform.isLinux() ? Native.load("c", LibC.class) : null;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null; // warm up with standard error untouched
    }
  }

  /**
   * Runs the engine once with native standard error kept in {@code runFolder}/{@value #LOG} (see
   * the class comment); failures and an earlier start that died are told on {@code err}.
   */
  static void warmUp(Path runFolder, PrintStream err) {
    quietly(
        runFolder.resolve(LOG),
        err,
        () -> {
          ImageDataset tiny = SyntheticLesions.builder().size(40).imageSize(8).seed(1).generate();
          try (DjlEvaluator evaluator =
              DjlEvaluator.builder(tiny)
                  .maxEpochs(1)
                  .batchSize(16)
                  .latencyRuns(1)
                  .throughputBatch(2)
                  .bootstrapResamples(1)
                  .build()) {
            evaluator.evaluate(ReferenceArchitectures.smallCnn(tiny.input(), tiny.numClasses()));
          }
        });
  }

  /**
   * Runs {@code work} with the process's standard error (file descriptor 2, native code's too)
   * appended to {@code log}, and restores it. Where {@code work} throws, the tail of {@code log}
   * goes to {@code err} before the exception goes on; where an earlier run left {@code log}
   * unfinished, its tail goes to {@code err} first.
   */
  static void quietly(Path log, PrintStream err, Runnable work) {
    showUnfinished(log, err);
    write(
        log,
        STARTED + " (pid " + ProcessHandle.current().pid() + ", " + Instant.now() + ")",
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    LibC libc = libc();
    System.err.flush();
    int saved = libc == null ? -1 : libc.dup(STDERR);
    int file = saved < 0 ? -1 : libc.open(log.toString(), O_WRONLY | O_APPEND);
    boolean redirected = file >= 0 && libc.dup2(file, STDERR) >= 0;
    boolean finished = false;
    try {
      work.run();
      finished = true;
    } finally {
      System.err.flush();
      if (redirected && libc.dup2(saved, STDERR) < 0) {
        err.println(
            "flnas: could not restore standard error (dup2 failed); native messages go"
                + " to "
                + log);
      }
      if (file >= 0) {
        libc.close(file);
      }
      if (saved >= 0) {
        libc.close(saved);
      }
      if (finished) {
        write(log, FINISHED, StandardOpenOption.APPEND);
      } else {
        show(
            "flnas: the engine's start-up failed; what it printed (kept in " + log + "):",
            log,
            err);
      }
    }
  }

  /** Tells and keeps what an earlier start-up that never finished left in {@code log}. */
  private static void showUnfinished(Path log, PrintStream err) {
    List<String> lines = read(log);
    if (lines.isEmpty()
        || !lines.get(0).startsWith(STARTED)
        || lines.get(lines.size() - 1).equals(FINISHED)) {
      return;
    }
    Path previous = log.resolveSibling(log.getFileName() + ".previous");
    try {
      Files.move(log, previous, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      previous = log; // shown all the same; the new start-up overwrites it
    }
    show(
        "flnas: the last run here ended during the engine's start-up, in native code or"
            + " killed; what it printed (kept in "
            + previous
            + "):",
        previous,
        err);
  }

  private static void show(String heading, Path log, PrintStream err) {
    List<String> lines = read(log);
    err.println(heading);
    lines
        .subList(Math.max(0, lines.size() - TAIL), lines.size())
        .forEach(line -> err.println("  " + line));
    err.flush();
  }

  /** The file's lines; native output need not be valid UTF-8, so bad bytes are replaced. */
  private static List<String> read(Path log) {
    try {
      return Files.isRegularFile(log)
          ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList()
          : List.of();
    } catch (IOException e) {
      return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
    }
  }

  private static void write(Path log, String line, StandardOpenOption... options) {
    try {
      Files.writeString(log, line + "\n", StandardCharsets.UTF_8, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + log, e);
    }
  }
}
