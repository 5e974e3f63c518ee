package io.flnas.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;

/**
 * Keeps the engine's start-up noise off the console of the program (not of the library). DJL logs
 * two "Failed to detect GPU count" warnings and INFO lines through SLF4J, which the program turns
 * down to errors; libtorch prints a one-time "AutoNonVariableTypeMode is deprecated" warning
 * straight to the process's standard error from native code, which no log level reaches. So,
 * before the search, the program trains a tiny model once with file descriptor 2 pointed at
 * {@code /dev/null}: the one-time warning fires there, and the descriptor is restored at once.
 * {@code --verbose} skips all of this. Where the C library cannot be reached (not Linux) the
 * warm-up still runs, with standard error untouched.
 */
final class QuietEngine {
  /** The SLF4J simple logger's level property. */
  static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private interface LibC extends Library {
    int dup(int fd);

    int dup2(int from, int to);

    int open(String path, int flags);

    int close(int fd);
  }

  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;

  private QuietEngine() {}

  /**
   * Sets the program's log level: errors only, or everything from INFO up when verbose. Must run
   * before any library creates a logger; it is the program's choice, so it is made in the
   * program's entry point, never in the library.
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

  /** Runs the engine once with native standard error silenced (see the class comment). */
  static void warmUp() {
    LibC libc = libc();
    System.err.flush();
    int saved = libc == null ? -1 : libc.dup(STDERR);
    int devNull = saved < 0 ? -1 : libc.open("/dev/null", O_WRONLY);
    if (devNull >= 0) {
      libc.dup2(devNull, STDERR);
    }
    try {
      ImageDataset tiny = SyntheticLesions.builder().size(40).imageSize(8).seed(1).generate();
      try (DjlEvaluator evaluator = DjlEvaluator.builder(tiny).maxEpochs(1).batchSize(16)
          .latencyRuns(1).throughputBatch(2).bootstrapResamples(1).build()) {
        evaluator.evaluate(ReferenceArchitectures.smallCnn(tiny.input(), tiny.numClasses()));
      }
    } finally {
      if (devNull >= 0) {
        System.err.flush();
        libc.dup2(saved, STDERR);
        libc.close(devNull);
      }
      if (saved >= 0) {
        libc.close(saved);
      }
    }
  }
}
