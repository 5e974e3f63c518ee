package io.flnas.djl.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Decoded images in a file of a cache folder, mapped into memory by every process that reads them.
 * The file's name carries a key over the source files (names, sizes, modification times, in order),
 * the image size and the decoding method, so a changed source file or setting finds no file and
 * decodes anew. A file is written aside ({@code <name>.<pid>.tmp}), forced to disk and renamed into
 * place atomically: a process killed while writing leaves only a temporary file, which is never
 * read and is deleted by the next process that finds its writer gone.
 *
 * <p>Layout: a header of {@link #HEADER} bytes (magic, version, image count and shape, length of
 * the bad-image list, the key), the images as bytes, then the bad images as UTF-8 lines {@code
 * index<TAB>message}.
 */
final class DecodedCache {
  static final int HEADER = 4096;
  private static final byte[] MAGIC = "FLNASU8\n".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final String SUFFIX = ".u8";

  /** A store read from or written to the cache, with its bad images by index. */
  record Entry(ImageStore store, Map<Integer, String> problems, Path file) {}

  private DecodedCache() {}

  /** The key of decoded {@code files} at {@code size} px by {@code method}, as 64 hex digits. */
  static String key(List<Path> files, String method, int channels, int size) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder text = new StringBuilder();
    text.append("v").append(VERSION).append('|').append(method).append('|').append(channels);
    text.append('|').append(size).append('\n');
    for (Path file : files) {
      text.append(file.getFileName()).append('|');
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        text.append(attributes.size()).append('|');
        text.append(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
      } catch (IOException e) {
        text.append("absent");
      }
      text.append('\n');
      if (text.length() > 1 << 16) {
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        text.setLength(0);
      }
    }
    digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The cache file of {@code key} in {@code folder}. */
  static Path file(Path folder, String prefix, int size, String key) {
    return folder.resolve(prefix + "-" + size + "px-" + key.substring(0, 32) + SUFFIX);
  }

  /** The cached images, if {@code file} holds a complete store of this key and shape. */
  static Optional<Entry> open(Path file, String key, int count, int channels, int size) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (header.hasRemaining() && channel.read(header) >= 0) {
        // reads the whole header unless the file is shorter
      }
      header.flip();
      if (header.remaining() < HEADER) {
        return Optional.empty();
      }
      byte[] magic = new byte[MAGIC.length];
      header.get(magic);
      byte[] storedKey = new byte[32];
      int version = header.getInt();
      int storedCount = header.getInt();
      int storedChannels = header.getInt();
      int height = header.getInt();
      int width = header.getInt();
      long problemsLength = header.getLong();
      header.get(storedKey);
      long data = (long) count * channels * size * size;
      if (!java.util.Arrays.equals(magic, MAGIC)
          || version != VERSION
          || storedCount != count
          || storedChannels != channels
          || height != size
          || width != size
          || !HexFormat.of().formatHex(storedKey).equals(key)
          || problemsLength < 0
          || channel.size() != HEADER + data + problemsLength) {
        return Optional.empty();
      }
      ByteBuffer text = ByteBuffer.allocate((int) problemsLength);
      channel.read(text, HEADER + data);
      ImageStore store =
          ImageStore.map(
              channel, FileChannel.MapMode.READ_ONLY, HEADER, count, channels, size, size);
      return Optional.of(new Entry(store, problems(text.array()), file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes a store of {@code count} images aside, filled by {@code fill} (which returns the bad
   * images), then renames it to {@code file} and maps it read-only. A failure while filling deletes
   * the temporary file and is thrown as it was.
   */
  static Entry write(
      Path file,
      String key,
      int count,
      int channels,
      int size,
      Function<ImageStore, Map<Integer, String>> fill)
      throws IOException {
    Files.createDirectories(file.getParent());
    removeAbandoned(file);
    Path temp =
        file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(temp);
    long data = (long) count * channels * size * size;
    Map<Integer, String> problems;
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE)) {
        ImageStore writing =
            ImageStore.map(
                channel, FileChannel.MapMode.READ_WRITE, HEADER, count, channels, size, size);
        problems = fill.apply(writing);
        writing.force();
        StringBuilder lines = new StringBuilder();
        problems.forEach(
            (index, message) ->
                lines.append(index).append('\t').append(message.replace('\n', ' ')).append('\n'));
        byte[] text = lines.toString().getBytes(StandardCharsets.UTF_8);
        channel.write(ByteBuffer.wrap(text), HEADER + data);
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        header.put(MAGIC).putInt(VERSION).putInt(count).putInt(channels).putInt(size).putInt(size);
        header.putLong(text.length).put(HexFormat.of().parseHex(key));
        header.position(HEADER).flip();
        channel.write(header, 0);
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return open(file, key, count, channels, size)
        .orElseThrow(() -> new IOException("the cache file " + file + " did not read back"));
  }

  /** Deletes temporary files of {@code file} whose writing process is gone. */
  static void removeAbandoned(Path file) throws IOException {
    String prefix = file.getFileName() + ".";
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> siblings =
        Files.newDirectoryStream(file.getParent(), prefix + "*.tmp")) {
      for (Path temp : siblings) {
        String name = temp.getFileName().toString();
        String pid = name.substring(prefix.length(), name.length() - ".tmp".length());
        long writer;
        try {
          writer = Long.parseLong(pid);
        } catch (NumberFormatException e) {
          continue;
        }
        boolean alive =
            writer == self || ProcessHandle.of(writer).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  private static Map<Integer, String> problems(byte[] text) {
    Map<Integer, String> problems = new TreeMap<>();
    for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        problems.put(Integer.parseInt(line.substring(0, tab)), line.substring(tab + 1));
      }
    }
    return problems;
  }
}
