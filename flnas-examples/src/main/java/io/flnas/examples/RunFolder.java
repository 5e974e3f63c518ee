package io.flnas.examples;

import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The folder a run writes, and the best model exported into it. */
final class RunFolder {
  private RunFolder() {}

  /**
   * The run folder: {@code outDir}, or a new {@code flnas-runs/run-<time>}; with {@code resume}
   * it must hold a journal, without it must not. Checked writable before anything is trained.
   */
  static Path prepare(Path outDir, boolean resume) {
    Path dir = outDir != null ? outDir : Path.of("flnas-runs", "run-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path journal = dir.resolve("journal.jsonl");
    if (resume) {
      if (outDir == null) {
        throw new UsageException("--resume needs --out, the folder of the run to continue");
      }
      if (!Files.isRegularFile(journal)) {
        throw new UsageException("--resume: no journal.jsonl in " + dir + " to continue from");
      }
    } else if (Files.exists(journal)) {
      throw new UsageException("output folder " + dir + " already holds a journal; use --resume"
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

  /** Retrains the best trial and saves it in {@code best-model/}; says what it did. */
  static String exportBest(DjlEvaluator evaluator, SearchResult result, Path dir) {
    if (result.best().isEmpty()) {
      return "No trial completed, so no model was exported.";
    }
    Trial best = result.best().get();
    Path modelDir = dir.resolve("best-model");
    Evaluation exported = evaluator.evaluateAndExport(best.architecture().orElseThrow(),
        modelDir);
    if (!exported.succeeded()) {
      return "Retraining the best architecture for export failed: "
          + exported.failure().orElse("");
    }
    return String.format("Best model (trial %d) exported to %s: architecture.json and DJL"
        + " parameters; retrained test accuracy %.2f%%.", best.iteration(), modelDir,
        100 * exported.test().accuracy());
  }
}
