package io.flnas.djl.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Decodes files into an {@link ImageStore} on a number of loops run by an executor, each loop
 * taking the next file until none is left, and each image landing at its own index, so the store
 * does not depend on the order the threads finish in. A bad image is recorded and decoding goes on;
 * anything else thrown in a loop ({@link OutOfMemoryError} included) stops every loop at its next
 * image and ends the decode at once with a {@link DataException} of one line: a failed thread never
 * leaves the caller waiting.
 */
final class ParallelDecode {
  /** Seconds between progress lines. */
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);

  private record Failure(int index, Throwable error) {}

  private ParallelDecode() {}

  /**
   * Decodes {@code files[i]} into image {@code i} of {@code store}; returns the bad images' errors
   * by index.
   */
  static Map<Integer, String> run(
      List<Path> files,
      ImageDecoder decoder,
      ImageStore store,
      Executor executor,
      int loops,
      Consumer<String> progress) {
    int n = files.size();
    int size = store.height();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Failure> failure = new AtomicReference<>();
    Map<Integer, String> problems = new ConcurrentHashMap<>();
    int started = Math.max(1, Math.min(loops, n));
    CountDownLatch finished = new CountDownLatch(started);
    for (int l = 0; l < started; l++) {
      executor.execute(
          () -> {
            try {
              int index;
              while (failure.get() == null && (index = next.getAndIncrement()) < n) {
                try {
                  store.write(index, decoder.decode(files.get(index), size));
                } catch (DataException e) {
                  problems.put(index, e.getMessage());
                } catch (Throwable e) { // NOPMD: any failure must end the load, not hang it
                  failure.compareAndSet(null, new Failure(index, e));
                  return;
                }
                done.incrementAndGet();
              }
            } finally {
              finished.countDown();
            }
          });
    }
    long start = System.nanoTime();
    long lastLine = start;
    try {
      while (!finished.await(200, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          break;
        }
        long now = System.nanoTime();
        if (now - lastLine >= PROGRESS_NANOS) {
          lastLine = now;
          progress.accept(line(done.get(), n, now - start));
        }
      }
    } catch (InterruptedException e) {
      failure.compareAndSet(null, new Failure(-1, e));
      Thread.currentThread().interrupt();
    }
    Failure failed = failure.get();
    if (failed != null) {
      throw new DataException(
          message(failed, failed.index() < 0 ? null : files.get(failed.index())));
    }
    if (done.get() < n) {
      throw new DataException(
          "decoding stopped after "
              + done.get()
              + " of "
              + n
              + " images: a decode thread ended without finishing its images");
    }
    return new TreeMap<>(problems);
  }

  private static String line(int done, int n, long nanos) {
    double seconds = nanos / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    long eta = rate > 0 ? Math.round((n - done) / rate) : -1;
    return String.format(
        "decoding: %,d of %,d images (%d%%), %.0f img/s%s",
        done, n, (int) (100L * done / n), rate, eta >= 0 ? ", about " + eta + " s left" : "");
  }

  private static String message(Failure failed, Path file) {
    Throwable e = failed.error();
    String what =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if (e instanceof InterruptedException) {
      return "decoding was interrupted";
    }
    String advice =
        e instanceof OutOfMemoryError
            ? "; the heap (max "
                + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB) is too small to decode with this many threads: raise it (JAVA_OPTS=-Xmx...)"
                + " or decode with fewer threads"
            : "";
    return "decoding "
        + (file == null ? "" : file + " ")
        + "failed in a decode thread: "
        + what
        + advice;
  }
}
