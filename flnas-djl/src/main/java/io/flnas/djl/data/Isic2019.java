package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Loads ISIC 2019 in its published layout: {@code ISIC_2019_Training_GroundTruth.csv} (one-hot
 * {@code MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK}), {@code ISIC_2019_Training_Metadata.csv} ({@code
 * age_approx}, {@code sex}; empty cells are unknown) and the images {@code
 * ISIC_2019_Training_Input/<image>.jpg}. It draws the paper's class- and group-balanced subset
 * deterministically from the seed, splits it 70/20/10 within each class, centre-crops and resizes
 * each image once into 8-bit pixels ({@link CompactImages}, normalized with ImageNet statistics per
 * batch where they are used). The decoded images go to a memory-mapped file in a {@link
 * Builder#cache} folder that later loads map instead of decoding. Before decoding, what the load
 * needs is estimated ({@link DataFootprint}) and a heap that cannot hold it stops the load with one
 * line. The jobs live apart: the CSV files are read and checked by {@code IsicCsv}, the subset and
 * split are {@code BalancedSubset}'s (generic over the group columns), decoding is {@code
 * ImageDecoder}'s and {@code ParallelDecode}'s, the cache file {@code DecodedCache}'s. A failure in
 * a decode thread, out of memory included, ends the load at once. Decoding runs on a pool of {@link
 * Builder#decodeThreads} threads that lives only as long as {@link #load}, or on the {@link
 * Builder#executor} the host gives; never on the common fork-join pool.
 *
 * <p>Bad input gets an error naming the file, the row and the field or value: a missing CSV, a
 * header without the expected columns, a label row that is not one-hot, an unreadable age or sex,
 * an image listed but absent or undecodable (fail, or skip and count, by {@link BadImages}).
 *
 * <pre>{@code
 * ImageDataset isic = Isic2019.builder(Path.of("/data/isic2019")).subsetSize(5000).imageSize(64)
 *     .load();
 * }</pre>
 */
public final class Isic2019 {
  public static final String GROUND_TRUTH = "ISIC_2019_Training_GroundTruth.csv";
  public static final String METADATA = "ISIC_2019_Training_Metadata.csv";
  public static final String IMAGES = "ISIC_2019_Training_Input";

  /** The 8 training classes in label order (UNK is empty in the training set). */
  public static final List<String> CLASSES =
      List.of("MEL", "NV", "BCC", "AK", "BKL", "DF", "VASC", "SCC");

  /** What to do with an image that is listed but absent or undecodable. */
  public enum BadImages {
    FAIL,
    SKIP
  }

  private final Path directory;
  private final int subsetSize;
  private final boolean allSamples;
  private final int imageSize;
  private final long seed;
  private final BadImages badImages;
  private final int decodeThreads;
  private final Executor executor;
  private final Path cache;
  private final Consumer<String> progress;
  private final ImageDecoder decoder;
  private final long maxHeap;

  private Isic2019(Builder b) {
    this.directory = b.directory;
    this.subsetSize = b.subsetSize;
    this.allSamples = b.allSamples;
    this.imageSize = b.imageSize;
    this.seed = b.seed;
    this.badImages = b.badImages;
    this.decodeThreads = b.decodeThreads;
    this.executor = b.executor;
    this.cache = b.cache;
    this.progress = b.progress;
    this.decoder = b.decoder;
    this.maxHeap = b.maxHeap;
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * The system property naming the cache folder, for a process that did not choose it itself: the
   * program passes its {@code --cache} to the local workers it starts this way, so that they map
   * the file the coordinator decoded instead of decoding their own.
   */
  public static final String CACHE_PROPERTY = "flnas.cache";

  /**
   * The default cache folder: the {@value #CACHE_PROPERTY} system property where set, else {@code
   * $XDG_CACHE_HOME/flnas}, else {@code ~/.cache/flnas}.
   */
  public static Path defaultCache() {
    String chosen = System.getProperty(CACHE_PROPERTY);
    if (chosen != null && !chosen.isBlank()) {
      return Path.of(chosen);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("flnas");
  }

  /** Reads, subsets, splits and decodes (or maps the decoded images from the cache). */
  public ImageDataset load() {
    long start = System.nanoTime();
    if (!Files.isDirectory(directory)) {
      throw new DataException(
          "ISIC 2019 folder " + directory + " does not exist or is not a" + " folder");
    }
    List<IsicCsv.Entry> entries = IsicCsv.readEntries(directory);
    List<List<IsicCsv.Entry>> splits =
        BalancedSubset.split(
            BalancedSubset.choose(
                entries,
                IsicCsv.Entry::label,
                IsicCsv.Entry::groups,
                allSamples ? entries.size() : subsetSize,
                seed));
    progress.accept("isic: " + summary(splits, entries.size()));
    // The store holds the chosen images in name order, so any seed's subset of the same images
    // maps the same cache file; each split indexes into it.
    List<IsicCsv.Entry> byName =
        splits.stream()
            .flatMap(List::stream)
            .sorted(Comparator.comparing(IsicCsv.Entry::image))
            .toList();
    Map<String, Integer> row = new HashMap<>();
    for (int i = 0; i < byName.size(); i++) {
      row.put(byName.get(i).image(), i);
    }
    List<Path> files = byName.stream().map(e -> file(e.image())).toList();
    DecodedCache.Entry decoded = decodeOrMap(files, start);
    List<String> problems = new ArrayList<>();
    for (var problem : decoded.problems().entrySet()) {
      problems.add(
          problem.getValue()
              + " (listed in "
              + GROUND_TRUTH
              + " line "
              + byName.get(problem.getKey()).row()
              + ")");
    }
    if (badImages == BadImages.FAIL && !problems.isEmpty()) {
      Collections.sort(problems);
      throw new DataException(
          problems.get(0)
              + (problems.size() > 1
                  ? " and "
                      + (problems.size() - 1)
                      + " more bad image(s); use BadImages.SKIP to skip them"
                  : "; use BadImages.SKIP to skip such images"));
    }
    Split[] built = new Split[3];
    int skipped = 0;
    for (int s = 0; s < 3; s++) {
      List<IsicCsv.Entry> kept = new ArrayList<>();
      for (IsicCsv.Entry entry : splits.get(s)) {
        if (decoded.problems().containsKey(row.get(entry.image()))) {
          skipped++;
        } else {
          kept.add(entry);
        }
      }
      int[] rows = kept.stream().mapToInt(e -> row.get(e.image())).toArray();
      built[s] =
          new Split(
              CompactImages.imageNet(decoded.store(), rows),
              kept.stream().mapToInt(IsicCsv.Entry::label).toArray(),
              groups(kept));
    }
    return new ImageDataset(
        "isic2019",
        "ISIC 2019 dermoscopic skin-lesion images ("
            + imageSize
            + "x"
            + imageSize
            + " RGB),"
            + " classified into 8 diagnostic classes "
            + CLASSES
            + "; "
            + PaperAttributes.DESCRIPTION,
        CLASSES,
        built[0],
        built[1],
        built[2],
        skipped);
  }

  private Path file(String image) {
    return directory.resolve(IMAGES).resolve(image + ".jpg");
  }

  /** The decoded images: mapped from the cache, or decoded (into the cache where there is one). */
  private DecodedCache.Entry decodeOrMap(List<Path> files, long start) {
    int n = files.size();
    String key = DecodedCache.key(files, decoder.method(), 3, imageSize);
    Path cached = cache == null ? null : DecodedCache.file(cache, "isic2019", imageSize, key);
    if (cached != null) {
      var hit = DecodedCache.open(cached, key, n, 3, imageSize);
      if (hit.isPresent()) {
        DataFootprint.images(n, 3, imageSize, true, 0).check(maxHeap, DataFootprint.machineBytes());
        progress.accept(
            String.format(
                Locale.ROOT,
                "isic: cached load of %d images in %.1fs (%s)",
                n,
                (System.nanoTime() - start) / 1e9,
                cached));
        return hit.get();
      }
    }
    int threads = executor != null ? decodeThreads : Math.min(decodeThreads, Math.max(1, n));
    DataFootprint.images(n, 3, imageSize, cached != null, threads)
        .check(maxHeap, DataFootprint.machineBytes());
    long decodeStart = System.nanoTime();
    DecodedCache.Entry entry;
    if (cached != null) {
      try {
        entry = DecodedCache.write(cached, key, n, 3, imageSize, store -> decode(files, store));
      } catch (IOException e) {
        throw new DataException(
            "cannot write the decoded-image cache "
                + cached
                + ": "
                + e.getMessage()
                + "; choose another folder with --cache DIR",
            e);
      }
    } else {
      ImageStore store = ImageStore.allocate(n, 3, imageSize, imageSize);
      entry = new DecodedCache.Entry(store, decode(files, store), null);
    }
    double seconds = (System.nanoTime() - decodeStart) / 1e9;
    progress.accept(
        String.format(
            Locale.ROOT,
            "isic: decoded %d images in %.1fs (%.0f img/s), %s",
            n,
            seconds,
            n / Math.max(seconds, 1e-9),
            cached == null
                ? "no cache"
                : String.format(
                    Locale.ROOT,
                    "cache %d MB (%s)",
                    entry.store().byteSize() / 1_000_000,
                    cached)));
    return entry;
  }

  /** Decodes into {@code store} on the host's executor or a pool that lives only this long. */
  private Map<Integer, String> decode(List<Path> files, ImageStore store) {
    Consumer<String> line = text -> progress.accept("isic: " + text);
    if (executor != null) {
      return ParallelDecode.run(files, decoder, store, executor, decodeThreads, line);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            decodeThreads,
            runnable -> {
              Thread thread = new Thread(runnable, "isic2019-decode");
              thread.setDaemon(true);
              return thread;
            });
    try {
      return ParallelDecode.run(files, decoder, store, pool, decodeThreads, line);
    } finally {
      // scoped: no decoding thread outlives the load
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How many images each split, class and group received, as one line. */
  private String summary(List<List<IsicCsv.Entry>> splits, int available) {
    List<IsicCsv.Entry> chosen = splits.stream().flatMap(List::stream).toList();
    StringBuilder line = new StringBuilder();
    line.append(allSamples ? "all " : "balanced subset of ")
        .append(chosen.size())
        .append(" of ")
        .append(available)
        .append(" images (seed ")
        .append(seed)
        .append("): train ")
        .append(splits.get(0).size())
        .append(", validation ")
        .append(splits.get(1).size())
        .append(", test ")
        .append(splits.get(2).size())
        .append("; per class");
    int[] perClass = new int[CLASSES.size()];
    chosen.forEach(e -> perClass[e.label()]++);
    for (int c = 0; c < perClass.length; c++) {
      line.append(c == 0 ? " " : ", ").append(CLASSES.get(c)).append(' ').append(perClass[c]);
    }
    for (int a = 0; a < IsicCsv.ATTRIBUTES.size(); a++) {
      List<String> names = IsicCsv.GROUPS.get(a);
      int[] perGroup = new int[names.size() + 1];
      for (IsicCsv.Entry e : chosen) {
        int g = e.groups()[a];
        perGroup[g == GroupColumn.UNKNOWN ? names.size() : g]++;
      }
      line.append("; ").append(IsicCsv.ATTRIBUTES.get(a));
      for (int g = 0; g <= names.size(); g++) {
        line.append(g == 0 ? " " : ", ")
            .append(g < names.size() ? names.get(g) : "unknown")
            .append(' ')
            .append(perGroup[g]);
      }
    }
    return line.toString();
  }

  /** The group columns of the kept entries, one per attribute of {@link IsicCsv#ATTRIBUTES}. */
  private static List<GroupColumn> groups(List<IsicCsv.Entry> entries) {
    List<GroupColumn> columns = new ArrayList<>();
    for (int a = 0; a < IsicCsv.ATTRIBUTES.size(); a++) {
      int attribute = a;
      int[] membership = entries.stream().mapToInt(e -> e.groups()[attribute]).toArray();
      columns.add(new GroupColumn(IsicCsv.ATTRIBUTES.get(a), IsicCsv.GROUPS.get(a), membership));
    }
    return columns;
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final Path directory;
    private int subsetSize = 5000;
    private boolean allSamples;
    private Path cache = defaultCache();
    private Consumer<String> progress = line -> {};
    private ImageDecoder decoder = ImageDecoder.imageIo();
    private long maxHeap = Runtime.getRuntime().maxMemory();
    private int imageSize = 64;
    private long seed = 42;
    private BadImages badImages = BadImages.FAIL;
    private int decodeThreads = Runtime.getRuntime().availableProcessors();
    private Executor executor;

    private Builder(Path directory) {
      Preconditions.checkArgument(directory != null, "directory must not be null");
      this.directory = directory;
    }

    /** Images in the balanced subset; default 5,000 (the paper's). */
    public Builder subsetSize(int value) {
      Preconditions.checkArgument(value >= 10, "subsetSize must be >= 10, but was %s", value);
      this.subsetSize = value;
      this.allSamples = false;
      return this;
    }

    /** Every image of the folder, no balancing (still split 70/20/10 within each class). */
    public Builder allSamples() {
      this.allSamples = true;
      return this;
    }

    /**
     * The folder of the decoded-image cache; default {@link Isic2019#defaultCache()}. The first
     * load decodes into a file there; later loads of the same images at the same size, in this
     * process or any other on the machine, map it.
     */
    public Builder cache(Path folder) {
      Preconditions.checkArgument(folder != null, "cache must not be null; use noCache()");
      this.cache = folder;
      return this;
    }

    /** Decodes on every load, into the heap, and keeps no file. */
    public Builder noCache() {
      this.cache = null;
      return this;
    }

    /**
     * Where the loader's lines go: the subset's make-up, decoding progress with its rate, and how
     * long the load took; default nowhere.
     */
    public Builder progress(Consumer<String> value) {
      Preconditions.checkArgument(value != null, "progress must not be null");
      this.progress = value;
      return this;
    }

    /** The image decoder; the JDK's ImageIO by default. For tests and benchmarks. */
    Builder decoder(ImageDecoder value) {
      this.decoder = value;
      return this;
    }

    /** The heap limit the estimate is checked against; the JVM's by default. For tests. */
    Builder maxHeap(long value) {
      this.maxHeap = value;
      return this;
    }

    /** Side of the resized images; default 64. */
    public Builder imageSize(int value) {
      Preconditions.checkArgument(value >= 8, "imageSize must be >= 8, but was %s", value);
      this.imageSize = value;
      return this;
    }

    /** Seed of the subset and split; default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Absent or undecodable images: fail (default) or skip and count. */
    public Builder badImages(BadImages value) {
      Preconditions.checkArgument(value != null, "badImages must not be null");
      this.badImages = value;
      return this;
    }

    /**
     * Threads that decode images, in a pool created for one {@link Isic2019#load} and shut down
     * when it returns; default the available processors. Ignored when an {@link #executor} is
     * given.
     */
    public Builder decodeThreads(int value) {
      Preconditions.checkArgument(value > 0, "decodeThreads must be > 0, but was %s", value);
      this.decodeThreads = value;
      return this;
    }

    /** An executor of the host's to decode images on (the host owns and shuts it); none default. */
    public Builder executor(Executor value) {
      Preconditions.checkArgument(value != null, "executor must not be null");
      this.executor = value;
      return this;
    }

    public ImageDataset load() {
      return new Isic2019(this).load();
    }
  }
}
