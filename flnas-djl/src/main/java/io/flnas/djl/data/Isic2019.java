package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupColumn;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Loads ISIC 2019 in its published layout: {@code ISIC_2019_Training_GroundTruth.csv} (one-hot
 * {@code MEL,NV,BCC,AK,BKL,DF,VASC,SCC,UNK}), {@code ISIC_2019_Training_Metadata.csv}
 * ({@code age_approx}, {@code sex}; empty cells are unknown) and the images
 * {@code ISIC_2019_Training_Input/<image>.jpg}. It draws the paper's class- and group-balanced
 * subset deterministically from the seed, splits it 70/20/10 within each class, centre-crops and
 * resizes each image once and normalizes it with ImageNet statistics.
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
  public enum BadImages { FAIL, SKIP }

  private final Path directory;
  private final int subsetSize;
  private final int imageSize;
  private final long seed;
  private final BadImages badImages;

  private Isic2019(Builder b) {
    this.directory = b.directory;
    this.subsetSize = b.subsetSize;
    this.imageSize = b.imageSize;
    this.seed = b.seed;
    this.badImages = b.badImages;
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** One labelled entry of the ground truth, with its attributes. */
  record Entry(String image, int label, int sex, int age, long row) {}

  /** Reads, subsets, splits and decodes. */
  public ImageDataset load() {
    if (!Files.isDirectory(directory)) {
      throw new DataException("ISIC 2019 folder " + directory + " does not exist or is not a"
          + " folder");
    }
    List<Entry> entries = readEntries();
    Map<Integer, List<Entry>> chosen = balancedSubset(entries, subsetSize, seed);
    List<Entry> train = new ArrayList<>();
    List<Entry> validation = new ArrayList<>();
    List<Entry> test = new ArrayList<>();
    for (List<Entry> perClass : chosen.values()) {
      // 70/20/10, but a class with a few images still puts one in validation and one in test.
      int n = perClass.size();
      int testCount = Math.max(n >= 3 ? 1 : 0, (int) Math.round(n * 0.1));
      int validationCount = Math.max(n >= 2 ? 1 : 0, (int) Math.round(n * 0.2));
      int trainEnd = n - testCount - validationCount;
      int validationEnd = n - testCount;
      train.addAll(perClass.subList(0, trainEnd));
      validation.addAll(perClass.subList(trainEnd, validationEnd));
      test.addAll(perClass.subList(validationEnd, n));
    }
    AtomicInteger skipped = new AtomicInteger();
    Split trainSplit = decode(train, skipped);
    Split validationSplit = decode(validation, skipped);
    Split testSplit = decode(test, skipped);
    return new ImageDataset("isic2019",
        "ISIC 2019 dermoscopic skin-lesion images (" + imageSize + "x" + imageSize + " RGB),"
            + " classified into 8 diagnostic classes " + CLASSES + "; sensitive attributes sex"
            + " (male, female) and age (young < 30, middle 30-65, old > 65)",
        CLASSES, trainSplit, validationSplit, testSplit, skipped.get());
  }

  /** Ground truth joined with metadata, in file order. */
  List<Entry> readEntries() {
    Path truthFile = directory.resolve(GROUND_TRUTH);
    Path metaFile = directory.resolve(METADATA);
    Map<String, int[]> attributes = readMetadata(metaFile);
    List<Entry> entries = new ArrayList<>();
    try (CSVParser parser = open(truthFile)) {
      requireColumns(truthFile, parser, "image", CLASSES);
      for (CSVRecord record : parser) {
        long line = record.getRecordNumber() + 1;
        String image = record.get("image").trim();
        int label = -1;
        StringBuilder values = new StringBuilder();
        for (int c = 0; c < CLASSES.size(); c++) {
          String cell = record.get(CLASSES.get(c)).trim();
          double value = number(truthFile, line, CLASSES.get(c), cell);
          values.append(c == 0 ? "" : ", ").append(CLASSES.get(c)).append('=').append(cell);
          if (value == 1.0) {
            if (label >= 0) {
              label = -2;
            } else if (label == -1) {
              label = c;
            }
          } else if (value != 0.0) {
            label = -2;
          }
        }
        if (record.isMapped("UNK") && record.isSet("UNK")
            && number(truthFile, line, "UNK", record.get("UNK").trim()) != 0.0) {
          label = -2;
        }
        if (label < 0) {
          throw new DataException(truthFile + " line " + line + " (image " + image + "): the"
              + " label is not one-hot over the 8 classes: " + values);
        }
        int[] attrs = attributes.getOrDefault(image,
            new int[] {GroupColumn.UNKNOWN, GroupColumn.UNKNOWN});
        entries.add(new Entry(image, label, attrs[0], attrs[1], line));
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + truthFile + ": " + e.getMessage(), e);
    }
    if (entries.isEmpty()) {
      throw new DataException(truthFile + " has no rows");
    }
    return entries;
  }

  private static Map<String, int[]> readMetadata(Path file) {
    Map<String, int[]> attributes = new HashMap<>();
    try (CSVParser parser = open(file)) {
      requireColumns(file, parser, "image", List.of("age_approx", "sex"));
      for (CSVRecord record : parser) {
        long line = record.getRecordNumber() + 1;
        String ageCell = record.get("age_approx").trim();
        int age = ageCell.isEmpty() ? GroupColumn.UNKNOWN
            : GroupColumn.ageGroup(age(file, line, ageCell));
        String sexCell = record.get("sex").trim().toLowerCase(Locale.ROOT);
        int sex;
        if (sexCell.isEmpty()) {
          sex = GroupColumn.UNKNOWN;
        } else if (GroupColumn.SEX.contains(sexCell)) {
          sex = GroupColumn.SEX.indexOf(sexCell);
        } else {
          throw new DataException(file + " line " + line + ": field sex must be male, female or"
              + " empty, but was '" + record.get("sex") + "'");
        }
        attributes.put(record.get("image").trim(), new int[] {sex, age});
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return attributes;
  }

  private static CSVParser open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException("missing ISIC 2019 file " + file);
    }
    Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true).setTrim(true).get().parse(reader);
  }

  private static void requireColumns(Path file, CSVParser parser, String key, List<String> more) {
    List<String> missing = new ArrayList<>();
    if (!parser.getHeaderMap().containsKey(key)) {
      missing.add(key);
    }
    for (String column : more) {
      if (!parser.getHeaderMap().containsKey(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException(file + " line 1: the header lacks the column(s) " + missing
          + "; it has " + parser.getHeaderNames());
    }
  }

  /** Oldest age accepted; anything outside [0, MAX_AGE] is a data error, not an age group. */
  static final int MAX_AGE = 120;

  private static double age(Path file, long line, String cell) {
    double age = number(file, line, "age_approx", cell);
    if (!(age >= 0 && age <= MAX_AGE)) {
      throw new DataException(file + " line " + line + ": field age_approx must be in [0, "
          + MAX_AGE + "], but was '" + cell + "'");
    }
    return age;
  }

  private static double number(Path file, long line, String field, String cell) {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new DataException(file + " line " + line + ": field " + field
          + " must be a number, but was '" + cell + "'", e);
    }
  }

  /**
   * The paper's balanced subset: each class gets an equal share of {@code n} (classes with fewer
   * images give all they have and the rest goes to the others); within a class, images are drawn
   * round-robin over its sex x age groups (unknown included), so groups are as even as the data
   * allows. Each class's chosen list is in random order, ready to split.
   */
  static Map<Integer, List<Entry>> balancedSubset(List<Entry> entries, int n, long seed) {
    Random random = new Random(seed);
    Map<Integer, Map<Integer, List<Entry>>> byGroup = new TreeMap<>();
    for (Entry e : entries) {
      byGroup.computeIfAbsent(e.label(), k -> new TreeMap<>())
          .computeIfAbsent((e.sex() + 1) * 10 + e.age() + 1, k -> new ArrayList<>()).add(e);
    }
    Map<Integer, List<Entry>> roundRobin = new TreeMap<>();
    for (var perClass : byGroup.entrySet()) {
      List<List<Entry>> groups = new ArrayList<>(perClass.getValue().values());
      for (List<Entry> group : groups) {
        Collections.shuffle(group, random);
      }
      List<Entry> order = new ArrayList<>();
      for (int i = 0; order.size() < entries.size(); i++) {
        boolean any = false;
        for (List<Entry> group : groups) {
          if (i < group.size()) {
            order.add(group.get(i));
            any = true;
          }
        }
        if (!any) {
          break;
        }
      }
      roundRobin.put(perClass.getKey(), order);
    }
    int total = Math.min(n, entries.size());
    Map<Integer, Integer> quota = new TreeMap<>();
    roundRobin.keySet().forEach(k -> quota.put(k, 0));
    int assigned = 0;
    while (assigned < total) {
      boolean progressed = false;
      for (var e : roundRobin.entrySet()) {
        if (assigned < total && quota.get(e.getKey()) < e.getValue().size()) {
          quota.merge(e.getKey(), 1, Integer::sum);
          assigned++;
          progressed = true;
        }
      }
      if (!progressed) {
        break;
      }
    }
    Map<Integer, List<Entry>> chosen = new TreeMap<>();
    for (var e : roundRobin.entrySet()) {
      List<Entry> picked = new ArrayList<>(e.getValue().subList(0, quota.get(e.getKey())));
      Collections.shuffle(picked, random);
      chosen.put(e.getKey(), picked);
    }
    return chosen;
  }

  private Split decode(List<Entry> entries, AtomicInteger skipped) {
    List<float[]> images = new ArrayList<>(Collections.nCopies(entries.size(), null));
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    java.util.stream.IntStream.range(0, entries.size()).parallel().forEach(i -> {
      Entry e = entries.get(i);
      Path file = directory.resolve(IMAGES).resolve(e.image() + ".jpg");
      try {
        images.set(i, pixels(file));
      } catch (DataException ex) {
        if (badImages == BadImages.FAIL) {
          problems.add(ex.getMessage() + " (listed in " + GROUND_TRUTH + " line " + e.row() + ")");
        }
      }
    });
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      throw new DataException(problems.get(0) + (problems.size() > 1
          ? " and " + (problems.size() - 1) + " more bad image(s); use BadImages.SKIP to skip them"
          : "; use BadImages.SKIP to skip such images"));
    }
    List<float[]> kept = new ArrayList<>();
    List<Entry> keptEntries = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (images.get(i) == null) {
        skipped.incrementAndGet();
      } else {
        kept.add(images.get(i));
        keptEntries.add(entries.get(i));
      }
    }
    int[] labels = keptEntries.stream().mapToInt(Entry::label).toArray();
    int[] sex = keptEntries.stream().mapToInt(Entry::sex).toArray();
    int[] age = keptEntries.stream().mapToInt(Entry::age).toArray();
    return Split.of(3, imageSize, kept, labels, sex, age);
  }

  /** Decodes, centre-crops to a square, resizes bilinearly and normalizes one image. */
  private float[] pixels(Path file) {
    BufferedImage source;
    try {
      if (!Files.isRegularFile(file)) {
        throw new DataException("image " + file + " is listed but absent");
      }
      source = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DataException("image " + file + " cannot be decoded: " + e.getMessage(), e);
    }
    if (source == null) {
      throw new DataException("image " + file + " cannot be decoded: not a known image format");
    }
    int side = Math.min(source.getWidth(), source.getHeight());
    int x0 = (source.getWidth() - side) / 2;
    int y0 = (source.getHeight() - side) / 2;
    BufferedImage resized = new BufferedImage(imageSize, imageSize, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = resized.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, imageSize, imageSize, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    float[] out = new float[3 * imageSize * imageSize];
    int plane = imageSize * imageSize;
    for (int y = 0; y < imageSize; y++) {
      for (int x = 0; x < imageSize; x++) {
        int rgb = resized.getRGB(x, y);
        int[] channel = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
          out[c * plane + y * imageSize + x] =
              (channel[c] / 255f - ImageDataset.MEAN[c]) / ImageDataset.STD[c];
        }
      }
    }
    return out;
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final Path directory;
    private int subsetSize = 5000;
    private int imageSize = 64;
    private long seed = 42;
    private BadImages badImages = BadImages.FAIL;

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

    public ImageDataset load() {
      return new Isic2019(this).load();
    }
  }
}
