package io.flnas.search.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flnas.FlNasException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Append-only JSON Lines files, the one rule for every record flnas keeps (the journal, the
 * baselines of a run): each record is one line, written with one write and a newline. Reading
 * ignores a torn last line, which is what a process killed mid-write leaves (no newline, not JSON);
 * a line before the last that is not JSON is corruption and an error naming the file and the line.
 */
public final class JsonLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonLines() {}

  /** One record and its 1-based line number. */
  public record Line(int number, JsonNode node) {}

  /**
   * Reads every record of {@code path}. With {@code repair}, a torn last line is cut off the file
   * and a last record missing only its newline gets one, so appends start on a fresh line.
   *
   * @param errors builds the exception for a corrupt line from its message and cause
   */
  public static List<Line> read(
      Path path, boolean repair, BiFunction<String, Throwable, RuntimeException> errors) {
    String content;
    try {
      content = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw errors.apply("cannot read " + path + ": " + e.getMessage(), e);
    }
    String[] lines = content.split("\n", -1);
    boolean endsClean = content.endsWith("\n") || content.isEmpty();
    int last = endsClean ? lines.length - 2 : lines.length - 1;
    List<Line> records = new ArrayList<>();
    long goodBytes = 0;
    for (int i = 0; i <= last; i++) {
      String line = lines[i];
      long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
      if (line.isBlank()) {
        goodBytes += bytes;
        continue;
      }
      try {
        records.add(new Line(i + 1, MAPPER.readTree(line)));
        goodBytes += bytes;
      } catch (IOException e) {
        if (i != last || endsClean) {
          throw errors.apply(path + " line " + (i + 1) + " is corrupt: " + e.getMessage(), e);
        }
        if (repair) {
          truncate(path, goodBytes);
        }
        return records;
      }
    }
    if (repair && !endsClean) {
      append(path, "");
    }
    return records;
  }

  /** Appends one record as one line, in one write. */
  public static void append(Path path, String json) {
    try (FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new FlNasException("cannot append to " + path + ": " + e.getMessage(), e);
    }
  }

  private static void truncate(Path path, long size) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    } catch (IOException e) {
      throw new FlNasException(
          "cannot cut the torn last line off " + path + ": " + e.getMessage(), e);
    }
  }
}
