package io.flnas.search.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.FlNasException;
import io.flnas.JournalMismatchException;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.search.Attempt;
import io.flnas.search.Trial;
import io.flnas.search.promote.Halving;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * The append-only JSON Lines record of a search: a header line with the configuration fingerprint,
 * then a {@code started} line when a trial is handed to an executor and a {@code trial} line when
 * it ends (trials that never run, rejected or reused ones, get only the latter), each written and
 * flushed to the operating system at once. With several trials in flight the ends come in any
 * order. Opening an existing journal restores its ended trials and the ones that started and never
 * ended ({@link #running()}), which a resumed search runs again; a torn last line (a run killed
 * mid-write) is ignored and cut off; a journal from another configuration, or with a corrupt line
 * before the last, is refused with a {@link JournalMismatchException} that says what differs.
 *
 * <p>Each append opens, writes and closes the file, so no handle outlives a trial and a killed
 * process loses at most the trial in flight.
 */
public final class Journal {
  static final String FORMAT = "flnas-journal/1";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path path;
  private final List<Trial> restored;
  private final List<Trial> running;
  private final List<RungRecord> rungs;

  private Journal(Path path, Records records) {
    this.path = path;
    this.restored = List.copyOf(records.ended);
    this.running = List.copyOf(records.running);
    this.rungs = List.copyOf(records.rungs);
  }

  public Path path() {
    return path;
  }

  /** Ended trials read back when the journal was opened, in trial order. */
  public List<Trial> restored() {
    return restored;
  }

  /**
   * The rungs of {@link Halving} of trials that went past rung 0 (rung 0 first, from the trial's
   * own line), in the order they started; a rung without an evaluation started and never ended.
   * {@link #restored()} trials carry the evaluation of the last rung they ended.
   */
  public List<RungRecord> rungs() {
    return rungs;
  }

  /** Trials that started and never ended (status RUNNING), in trial order. */
  public List<Trial> running() {
    return running;
  }

  /**
   * Opens {@code path} for a search with the given fingerprint: creates it with a header when it
   * does not exist (or is empty), otherwise checks the header and restores the trials.
   */
  public static Journal open(Path path, Map<String, String> fingerprint) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!Files.exists(path) || Files.size(path) == 0) {
        writeHeader(path, fingerprint);
        return new Journal(path, new Records(List.of(), List.of(), List.of()));
      }
      return new Journal(path, restore(path, fingerprint));
    } catch (IOException e) {
      throw new FlNasException("cannot open journal " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads only the header's fingerprint, e.g. to check a replay journal. */
  public static Map<String, String> readFingerprint(Path path) {
    try {
      List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        throw new JournalMismatchException("journal " + path + " is empty");
      }
      return fingerprintOf(path, MAPPER.readTree(lines.get(0)));
    } catch (IOException e) {
      throw new JournalMismatchException("cannot read journal " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads every ended trial of a journal, in trial order, without checking the configuration (for
   * reports, replay).
   */
  public static List<Trial> readTrials(Path path) {
    return restore(path, null).ended;
  }

  private record Records(List<Trial> ended, List<Trial> running, List<RungRecord> rungs) {}

  /**
   * A rung of {@link Halving} past rung 0 as the journal holds it: started, and ended with its
   * evaluation unless the run stopped during it.
   */
  public record RungRecord(
      int trial, int rung, Optional<Evaluation> evaluation, List<Attempt> attempts) {
    public RungRecord {
      attempts = List.copyOf(attempts);
    }
  }

  private static void writeHeader(Path path, Map<String, String> fingerprint) throws IOException {
    ObjectNode header = MAPPER.createObjectNode();
    header.put("type", "header");
    header.put("format", FORMAT);
    ObjectNode fp = header.putObject("fingerprint");
    fingerprint.forEach(fp::put);
    Files.writeString(
        path,
        header + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static Records restore(Path path, Map<String, String> expected) {
    List<JsonLines.Line> lines =
        JsonLines.read(
            path,
            expected != null,
            (message, cause) -> new JournalMismatchException("journal " + message, cause));
    if (lines.isEmpty() || lines.get(0).number() != 1) {
      throw new JournalMismatchException(
          "journal " + path + " has no " + FORMAT + " header on" + " line 1");
    }
    Map<String, String> found = fingerprintOf(path, lines.get(0).node());
    if (expected != null && !found.equals(expected)) {
      throw new JournalMismatchException(
          "journal "
              + path
              + " was written under a different"
              + " configuration: "
              + Fingerprints.differences(found, "journal", expected, "this search")
              + "; use another journal path or the same configuration");
    }
    TreeMap<Integer, Trial> ended = new TreeMap<>();
    TreeMap<Integer, Trial> started = new TreeMap<>();
    Map<String, JsonLines.Line> firstRecord = new HashMap<>();
    java.util.LinkedHashMap<String, RungRecord> rungs = new java.util.LinkedHashMap<>();
    for (JsonLines.Line line : lines.subList(1, lines.size())) {
      String type = line.node().path("type").asText();
      if (type.equals("rung_started") || type.equals("rung")) {
        RungRecord rung = rungRecord(path, line, ended);
        // The trial line holds rung 0; keep it before the evaluation of a later rung replaces it.
        rungs.putIfAbsent(
            rung.trial() + "/0",
            new RungRecord(rung.trial(), 0, ended.get(rung.trial()).evaluation(), List.of()));
        rungs.put(rung.trial() + "/" + rung.rung(), rung);
        // A rung that failed leaves the trial with the evaluation of the rung before.
        Trial before = ended.get(rung.trial());
        ended.put(
            rung.trial(),
            rung.evaluation()
                .filter(Evaluation::succeeded)
                .map(e -> before.withRung(e, rung.attempts()))
                .orElse(before.withAttempts(rung.attempts())));
        continue;
      }
      Trial trial;
      try {
        trial = TrialJson.fromNode(line.node());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new JournalMismatchException(
            "journal " + path + " line " + line.number() + " is corrupt: " + e.getMessage(), e);
      }
      boolean start = "started".equals(line.node().path("type").asText());
      TreeMap<Integer, Trial> into = start ? started : ended;
      String key = (start ? "start " : "end ") + trial.iteration();
      if (into.containsKey(trial.iteration())) {
        JsonLines.Line first = firstRecord.get(key);
        if (first != null && first.node().equals(line.node())) {
          // An identical second record (an older version wrote some, or a folder was copied):
          // it says nothing new, so keep the first and go on rather than refuse forever.
          LoggerFactory.getLogger(Journal.class)
              .warn(
                  "journal {} line {} repeats line {} (trial" + " {} {}); keeping the first",
                  path,
                  line.number(),
                  first.number(),
                  trial.iteration(),
                  start ? "starting" : "ending");
          continue;
        }
        throw new JournalMismatchException(
            "journal "
                + path
                + " line "
                + line.number()
                + " records trial "
                + trial.iteration()
                + (start ? " starting" : " ending")
                + " a second time, differently from line "
                + (first == null ? "?" : String.valueOf(first.number())));
      }
      firstRecord.put(key, line);
      into.put(trial.iteration(), trial);
    }
    TreeSet<Integer> numbers = new TreeSet<>(ended.keySet());
    numbers.addAll(started.keySet());
    if (!numbers.isEmpty() && (numbers.first() != 1 || numbers.last() != numbers.size())) {
      int missing = 1;
      while (numbers.contains(missing)) {
        missing++;
      }
      throw new JournalMismatchException(
          "journal "
              + path
              + " has no record of trial "
              + missing
              + " but records trial "
              + numbers.last());
    }
    List<Trial> running = new ArrayList<>();
    started.forEach(
        (number, trial) -> {
          if (!ended.containsKey(number)) {
            running.add(
                trial.ended(
                    Trial.Status.RUNNING,
                    Optional.empty(),
                    trial.reason(),
                    trial.duplicateOf(),
                    trial.seconds(),
                    trial.attempts()));
          }
        });
    return new Records(new ArrayList<>(ended.values()), running, new ArrayList<>(rungs.values()));
  }

  private static RungRecord rungRecord(Path path, JsonLines.Line line, Map<Integer, Trial> ended) {
    int trial = line.node().path("iteration").asInt();
    if (!ended.containsKey(trial)) {
      throw new JournalMismatchException(
          "journal "
              + path
              + " line "
              + line.number()
              + " records a rung of trial "
              + trial
              + ", which has not ended");
    }
    try {
      Optional<Evaluation> evaluation =
          line.node().hasNonNull("evaluation")
              ? Optional.of(EvaluationJson.fromNode(line.node().get("evaluation")))
              : Optional.empty();
      return new RungRecord(
          trial, line.node().path("rung").asInt(), evaluation, TrialJson.readAttempts(line.node()));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new JournalMismatchException(
          "journal " + path + " line " + line.number() + " is corrupt: " + e.getMessage(), e);
    }
  }

  /** Appends the line of a rung handed to an executor. */
  public void appendRungStarted(int trial, int rung) {
    JsonLines.append(
        path, "{\"type\":\"rung_started\",\"iteration\":" + trial + ",\"rung\":" + rung + "}");
  }

  /**
   * Appends the line of a rung that ended, with its evaluation (a failed one for a rung that
   * failed) and the attempts it took on an executor that records them.
   */
  public void appendRung(int trial, int rung, Evaluation evaluation, List<Attempt> attempts) {
    com.fasterxml.jackson.databind.node.ObjectNode node =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("type", "rung").put("iteration", trial).put("rung", rung);
    node.set("evaluation", EvaluationJson.toNode(evaluation));
    TrialJson.writeAttempts(node, attempts);
    JsonLines.append(path, node.toString());
  }

  private static Map<String, String> fingerprintOf(Path path, JsonNode header) {
    if (!"header".equals(header.path("type").asText())
        || !FORMAT.equals(header.path("format").asText())) {
      throw new JournalMismatchException(
          "journal " + path + " has no " + FORMAT + " header on" + " line 1");
    }
    Map<String, String> found = new LinkedHashMap<>();
    header
        .path("fingerprint")
        .fields()
        .forEachRemaining(e -> found.put(e.getKey(), e.getValue().asText()));
    return found;
  }

  /** Appends one ended trial as one line. */
  public void append(Trial trial) {
    JsonLines.append(path, TrialJson.write(trial));
  }

  /** Appends the line of a trial handed to an executor. */
  public void appendStarted(Trial trial) {
    JsonLines.append(path, TrialJson.writeStarted(trial));
  }
}
