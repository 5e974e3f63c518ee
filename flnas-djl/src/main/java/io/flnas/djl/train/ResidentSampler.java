package io.flnas.djl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The resident set of a process ({@code VmRSS} in {@code /proc/<pid>/status}), read now or sampled
 * at a fixed period to find the peak of a stretch of work, such as one trial.
 *
 * <p>Why sampling: the kernel's own high-water mark ({@code VmHWM}, which {@code getrusage}, {@code
 * /usr/bin/time} and container limits read) covers the whole life of the process, and the only way
 * to get a per-trial figure from it is to reset it ({@code /proc/self/clear_refs}), which destroys
 * the figure everyone else reads: a program that did so showed {@code /usr/bin/time} only its last
 * trial's window (1.06 GB) while it had peaked at 6.4 GB. A sampler misses spikes shorter than its
 * period, so its peak is a lower bound of the true one; at 100 ms a training epoch's working set,
 * which lives for seconds, is seen. Nothing here writes to {@code /proc}. Where {@code /proc}
 * cannot be read (not Linux) the figures are NaN.
 *
 * <pre>{@code
 * try (ResidentSampler sampler = ResidentSampler.start(Duration.ofMillis(100))) {
 *   work();
 *   double peakMb = sampler.peakMb();
 * }
 * }</pre>
 */
public final class ResidentSampler implements AutoCloseable {
  private final ScheduledExecutorService thread;
  private volatile double peakMb;

  @SuppressWarnings("FutureReturnValueIgnored") // sample() cannot throw; close() stops the task
  private ResidentSampler(Duration period) {
    this.peakMb = residentMb();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "flnas-resident-sampler");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleAtFixedRate(
        this::sample, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Starts sampling this process's resident set every {@code period}, from now. */
  public static ResidentSampler start(Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be > 0, but was " + period);
    }
    return new ResidentSampler(period);
  }

  private void sample() {
    double now = residentMb();
    if (now > peakMb || Double.isNaN(peakMb)) {
      peakMb = now;
    }
  }

  /** The largest resident set seen so far, this moment included, in MiB; NaN where unreadable. */
  public double peakMb() {
    sample();
    return peakMb;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  /** The current resident set of this process in MiB, or NaN where it cannot be read. */
  public static double residentMb() {
    return residentMb(Path.of("/proc/self/status"));
  }

  /** The current resident set of process {@code pid} in MiB, or NaN where it cannot be read. */
  public static double residentMb(long pid) {
    return residentMb(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static double residentMb(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Double.parseDouble(line.substring("VmRSS:".length()).trim().split("\\s+")[0])
              / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
