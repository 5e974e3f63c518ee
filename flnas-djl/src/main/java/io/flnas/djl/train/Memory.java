package io.flnas.djl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory: its current resident set and its high-water mark ({@code VmHWM}),
 * reset before each evaluation by writing 5 to {@code /proc/self/clear_refs} where Linux allows it;
 * elsewhere the figures are NaN. These include the JVM, the dataset and allocator caches, so they
 * describe the process, never a model (see {@link ModelMemory} for that).
 */
public final class Memory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private Memory() {}

  /** Resets the high-water mark where the OS allows; returns whether it did. */
  static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The process's resident high-water mark in MiB, or NaN where it cannot be read. */
  static double peakMb() {
    return residentKb("VmHWM:") / 1024.0;
  }

  /** The current resident set of this process in MiB, or NaN where it cannot be read. */
  public static double residentMb() {
    return residentKb("VmRSS:") / 1024.0;
  }

  private static double residentKb(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          return Double.parseDouble(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
