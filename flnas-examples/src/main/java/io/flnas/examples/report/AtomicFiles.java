package io.flnas.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file in one step: the content goes to a temporary file beside it, which is then
 * renamed over the target, so a reader sees the old file or the new one, never half of one.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code text} as UTF-8 into {@code file}, atomically. */
  static void write(Path file, String text) throws IOException {
    replace(file, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
  }

  /** What writes the new content into a temporary file. */
  interface Writer {
    void writeTo(Path temporary) throws IOException;
  }

  /** Lets {@code writer} fill a temporary file beside {@code file}, then renames it over it. */
  static void replace(Path file, Writer writer) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    // keep the extension: some writers (XChart's) add one when it is missing
    Path temp =
        Files.createTempFile(
            dir,
            "." + (dot > 0 ? name.substring(0, dot) : name),
            dot > 0 ? name.substring(dot) : ".tmp");
    try {
      writer.writeTo(temp);
      // a temporary file is private (rw-------); the report is for whoever may read the folder
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
