package io.flnas.djl.data;

import io.flnas.metrics.GroupColumn;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and checks ISIC 2019's two CSV files: the one-hot ground truth joined with the metadata's
 * sex and age, as {@link Entry}s whose group indices follow {@link #ATTRIBUTES}. Every error names
 * the file, the line and the field or value.
 */
final class IsicCsv {
  /** The sensitive attributes an entry carries, in the order of {@link Entry#groups()}. */
  static final List<String> ATTRIBUTES = List.of(PaperAttributes.SEX, PaperAttributes.AGE);

  /** The group names of each of {@link #ATTRIBUTES}. */
  static final List<List<String>> GROUPS =
      List.of(PaperAttributes.SEX_GROUPS, PaperAttributes.AGE_GROUPS);

  /** Oldest age accepted; anything outside [0, MAX_AGE] is a data error, not an age group. */
  static final int MAX_AGE = 120;

  /**
   * One labelled image with its group index per attribute ({@link GroupColumn#UNKNOWN} where
   * unknown) and its ground-truth line.
   */
  record Entry(String image, int label, int[] groups, long row) {}

  private IsicCsv() {}

  /** Ground truth joined with metadata, in file order. */
  static List<Entry> readEntries(Path directory) {
    Path truthFile = directory.resolve(Isic2019.GROUND_TRUTH);
    Map<String, int[]> attributes = readMetadata(directory.resolve(Isic2019.METADATA));
    List<String> classes = Isic2019.CLASSES;
    int[] unknown = new int[ATTRIBUTES.size()];
    java.util.Arrays.fill(unknown, GroupColumn.UNKNOWN);
    List<Entry> entries = new ArrayList<>();
    try (CSVParser parser = open(truthFile)) {
      requireColumns(truthFile, parser, "image", classes);
      for (CSVRecord record : parser) {
        long line = record.getRecordNumber() + 1;
        String image = record.get("image").trim();
        int label = -1;
        StringBuilder values = new StringBuilder();
        for (int c = 0; c < classes.size(); c++) {
          String cell = record.get(classes.get(c)).trim();
          double value = number(truthFile, line, classes.get(c), cell);
          values.append(c == 0 ? "" : ", ").append(classes.get(c)).append('=').append(cell);
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
        if (record.isMapped("UNK")
            && record.isSet("UNK")
            && number(truthFile, line, "UNK", record.get("UNK").trim()) != 0.0) {
          label = -2;
        }
        if (label < 0) {
          throw new DataException(
              truthFile
                  + " line "
                  + line
                  + " (image "
                  + image
                  + "): the"
                  + " label is not one-hot over the 8 classes: "
                  + values);
        }
        entries.add(new Entry(image, label, attributes.getOrDefault(image, unknown), line));
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + truthFile + ": " + e.getMessage(), e);
    }
    if (entries.isEmpty()) {
      throw new DataException(truthFile + " has no rows");
    }
    return entries;
  }

  /** Group indices per image, in the order of {@link #ATTRIBUTES}. */
  private static Map<String, int[]> readMetadata(Path file) {
    Map<String, int[]> attributes = new HashMap<>();
    try (CSVParser parser = open(file)) {
      requireColumns(file, parser, "image", List.of("age_approx", "sex"));
      for (CSVRecord record : parser) {
        long line = record.getRecordNumber() + 1;
        String ageCell = record.get("age_approx").trim();
        int age =
            ageCell.isEmpty()
                ? GroupColumn.UNKNOWN
                : PaperAttributes.ageGroup(age(file, line, ageCell));
        String sexCell = record.get("sex").trim().toLowerCase(Locale.ROOT);
        int sex;
        if (sexCell.isEmpty()) {
          sex = GroupColumn.UNKNOWN;
        } else if (PaperAttributes.SEX_GROUPS.contains(sexCell)) {
          sex = PaperAttributes.SEX_GROUPS.indexOf(sexCell);
        } else {
          throw new DataException(
              file
                  + " line "
                  + line
                  + ": field sex must be male, female or"
                  + " empty, but was '"
                  + record.get("sex")
                  + "'");
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
    return CSVFormat.DEFAULT
        .builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true)
        .setTrim(true)
        .get()
        .parse(reader);
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
      throw new DataException(
          file
              + " line 1: the header lacks the column(s) "
              + missing
              + "; it has "
              + parser.getHeaderNames());
    }
  }

  private static double age(Path file, long line, String cell) {
    double age = number(file, line, "age_approx", cell);
    if (!(age >= 0 && age <= MAX_AGE)) {
      throw new DataException(
          file
              + " line "
              + line
              + ": field age_approx must be in [0, "
              + MAX_AGE
              + "], but was '"
              + cell
              + "'");
    }
    return age;
  }

  private static double number(Path file, long line, String field, String cell) {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new DataException(
          file + " line " + line + ": field " + field + " must be a number, but was '" + cell + "'",
          e);
    }
  }
}
