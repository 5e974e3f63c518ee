package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Loads ISIC 2019 in its published layout: {@code ISIC_2019_Training_GroundTruth.csv} (one-hot
 * {@code MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK}), {@code ISIC_2019_Training_Metadata.csv} ({@code
 * age_approx}, {@code sex}; empty cells are unknown) and the images {@code
 * ISIC_2019_Training_Input/<image>.jpg}. It draws the paper's class- and group-balanced subset
 * deterministically from the seed, splits it 70/20/10 within each class, centre-crops and resizes
 * each image once and normalizes it with ImageNet statistics. The jobs live apart: the CSV files
 * are read and checked by {@code IsicCsv}, the subset and split are {@code BalancedSubset}'s
 * (generic over the group columns), decoding is {@code ImageDecoder}'s. Decoding runs on a pool of
 * {@link Builder#decodeThreads} threads that lives only as long as {@link #load}, or on the {@link
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
  private final int imageSize;
  private final long seed;
  private final BadImages badImages;
  private final int decodeThreads;
  private final Executor executor;

  private Isic2019(Builder b) {
    this.directory = b.directory;
    this.subsetSize = b.subsetSize;
    this.imageSize = b.imageSize;
    this.seed = b.seed;
    this.badImages = b.badImages;
    this.decodeThreads = b.decodeThreads;
    this.executor = b.executor;
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Reads, subsets, splits and decodes. */
  public ImageDataset load() {
    if (!Files.isDirectory(directory)) {
      throw new DataException(
          "ISIC 2019 folder " + directory + " does not exist or is not a" + " folder");
    }
    List<IsicCsv.Entry> entries = IsicCsv.readEntries(directory);
    List<List<IsicCsv.Entry>> splits =
        BalancedSubset.split(
            BalancedSubset.choose(
                entries, IsicCsv.Entry::label, IsicCsv.Entry::groups, subsetSize, seed));
    if (executor != null) {
      return decode(splits, executor);
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
      return decode(splits, pool);
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

  private ImageDataset decode(List<List<IsicCsv.Entry>> splits, Executor decoding) {
    ImageDecoder decoder = new ImageDecoder(imageSize, decoding);
    List<String> problems = new ArrayList<>();
    List<List<float[]>> images = new ArrayList<>();
    for (List<IsicCsv.Entry> split : splits) {
      images.add(
          decoder.decode(
              split,
              e -> directory.resolve(IMAGES).resolve(e.image() + ".jpg"),
              e -> " (listed in " + GROUND_TRUTH + " line " + e.row() + ")",
              problems));
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
    Split[] decoded = new Split[3];
    int skipped = 0;
    for (int s = 0; s < 3; s++) {
      List<IsicCsv.Entry> entries = splits.get(s);
      List<float[]> kept = new ArrayList<>();
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        if (images.get(s).get(i) == null) {
          skipped++;
        } else {
          kept.add(images.get(s).get(i));
          rows.add(i);
        }
      }
      decoded[s] =
          Split.of(
              3,
              imageSize,
              kept,
              rows.stream().mapToInt(i -> entries.get(i).label()).toArray(),
              groups(entries, rows));
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
        decoded[0],
        decoded[1],
        decoded[2],
        skipped);
  }

  /** The group columns of the kept entries, one per attribute of {@link IsicCsv#ATTRIBUTES}. */
  private static List<GroupColumn> groups(List<IsicCsv.Entry> entries, List<Integer> rows) {
    List<GroupColumn> columns = new ArrayList<>();
    for (int a = 0; a < IsicCsv.ATTRIBUTES.size(); a++) {
      int attribute = a;
      int[] membership = rows.stream().mapToInt(i -> entries.get(i).groups()[attribute]).toArray();
      columns.add(new GroupColumn(IsicCsv.ATTRIBUTES.get(a), IsicCsv.GROUPS.get(a), membership));
    }
    return columns;
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final Path directory;
    private int subsetSize = 5000;
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
