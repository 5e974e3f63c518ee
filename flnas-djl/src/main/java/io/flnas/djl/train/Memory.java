package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of an evaluation. On a GPU: the device memory in use after the evaluation (PyTorch's
 * caching allocator keeps its high-water mark reserved). On the CPU: the process resident-set
 * high-water mark ({@code VmHWM}), reset before each evaluation by writing 5 to
 * {@code /proc/self/clear_refs} where Linux allows it; elsewhere the figure is NaN.
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

  /** Peak memory in MiB on the device, or NaN where it cannot be read. */
  static double peakMb(Device device) {
    if (device.isGpu()) {
      try {
        return CudaUtils.getGpuMemory(device).getUsed() / (1024.0 * 1024);
      } catch (RuntimeException e) {
        return Double.NaN;
      }
    }
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
