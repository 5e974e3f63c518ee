package io.flnas.examples;

import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The folder a run writes, and the best model exported into it. */
final class RunFolder {
  private RunFolder() {}

  /** The folder of a run not given one: a new {@code flnas-runs/run-<time>}. */
  static Path defaultFolder() {
    return Path.of(
        "flnas-runs",
        "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  /**
   * The run folder {@code dir}, created if need be: with {@code resume} it must hold a journal,
   * without it must not. Checked writable before anything is trained.
   */
  static Path prepare(Path dir, boolean resume) {
    Path journal = dir.resolve("journal.jsonl");
    if (resume) {
      if (!Files.isRegularFile(journal)) {
        throw new UsageException("--resume: no journal.jsonl in " + dir + " to continue from");
      }
    } else if (Files.exists(journal)) {
      throw new UsageException(
          "output folder "
              + dir
              + " already holds a journal; use --resume"
              + " to continue it or choose another --out");
    }
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new UsageException("output folder " + dir + " is not writable: " + e.getMessage());
    }
    return dir;
  }

  /** The name of the lock file in a run folder; it holds the pid of the process that runs it. */
  static final String LOCK = ".flnas.lock";

  /**
   * The run folder's one writer: an exclusive operating-system lock on {@code dir/.flnas.lock},
   * which the kernel releases when the process ends however it ends ({@code kill -9} included), so
   * a stale lock file never blocks anyone. Two processes appending to one journal interleave their
   * trials and leave a journal that no longer resumes; the second one therefore stops here with one
   * line that names the folder and the pid holding it.
   */
  static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  /** Takes the run folder's lock, or says who holds it. */
  static Lock lock(Path dir) {
    Path file = dir.resolve(LOCK);
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UsageException("cannot lock the run folder " + dir + ": " + e.getMessage());
    }
    FileLock lock = null;
    try {
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException thisProcess) {
        lock = null; // another run in this very process holds it
      }
      if (lock == null) {
        String holder = Files.readString(file).trim();
        channel.close();
        throw new UsageException(
            "run folder "
                + dir
                + " is in use by another flnas process"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; wait for it to end, or"
                + " choose another --out");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new Lock(channel, lock);
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing releases the lock anyway
      }
      throw new UsageException("cannot lock the run folder " + dir + ": " + e.getMessage());
    }
  }

  /** Retrains the best trial and saves it in {@code best-model/}; says what it did. */
  static String exportBest(DjlEvaluator evaluator, SearchResult result, Path dir) {
    if (result.best().isEmpty()) {
      return "No trial completed, so no model was exported.";
    }
    Trial best = result.best().get();
    Path modelDir = dir.resolve("best-model");
    Evaluation exported = evaluator.evaluateAndExport(best.architecture().orElseThrow(), modelDir);
    if (!exported.succeeded()) {
      return "Retraining the best architecture for export failed: " + exported.failure().orElse("");
    }
    return String.format(
        "Best model (trial %d) exported to %s: architecture.json and DJL"
            + " parameters; retrained test accuracy %.2f%%.",
        best.iteration(), modelDir, 100 * exported.test().accuracy());
  }
}
