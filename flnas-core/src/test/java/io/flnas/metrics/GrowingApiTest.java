package io.flnas.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A figure added to {@link HardwareReport} and {@link Evaluation} does not break a researcher's
 * evaluator written as docs/library.md shows. The test copies both records' sources, adds a
 * component to each (the way a maintainer would: at the end, with every call of the canonical
 * constructor inside the record passing a default), and compiles the documented example against the
 * copies; an evaluator that calls a canonical constructor, as last round's README showed, no longer
 * compiles against them, which shows the test can fail.
 */
class GrowingApiTest {
  private static final Path SOURCES = Path.of("src/main/java/io/flnas/metrics");

  @TempDir Path dir;

  /** The example of docs/library.md (and UserEvaluatorApiTest), as a user's own file. */
  private static final String DOCUMENTED =
      """
      package user;

      import io.flnas.arch.Cost;
      import io.flnas.metrics.Evaluation;
      import io.flnas.metrics.FairnessReport;
      import io.flnas.metrics.HardwareReport;
      import io.flnas.metrics.SplitMetrics;
      import io.flnas.search.Evaluator;

      class MyEvaluator {
        static Evaluator of(FairnessReport fairness) {
          Evaluator mine = architecture -> Evaluation.of(new SplitMetrics(0.9, 0.75), fairness,
                  HardwareReport.analytic(Cost.of(architecture)).withLatencyMs(0.8)
                      .withDevice("jetson-nano"))
              .toBuilder().epochs(5).trainingSeconds(12.5).extra("energy_mj", 40.0).build();
          return mine;
        }
      }
      """;

  /** What last round's README showed: the canonical constructors. */
  private static final String CANONICAL =
      """
      package user;

      import io.flnas.metrics.HardwareReport;

      class Canonical {
        static HardwareReport report() {
          return new HardwareReport(10, 20, 1.0, 0.5, 100, 1.0, 300, "cpu");
        }
      }
      """;

  @Test
  void the_documented_evaluator_compiles_after_a_figure_is_added_and_a_canonical_one_does_not()
      throws IOException {
    Path grown = dir.resolve("grown/io/flnas/metrics");
    Files.createDirectories(grown);
    Files.writeString(
        grown.resolve("HardwareReport.java"),
        addComponent(
            Files.readString(SOURCES.resolve("HardwareReport.java")),
            "HardwareReport",
            8,
            "String device",
            "double energyMj",
            "Double.NaN"));
    Files.writeString(
        grown.resolve("Evaluation.java"),
        addComponent(
            Files.readString(SOURCES.resolve("Evaluation.java")),
            "Evaluation",
            12,
            "Map<String, Double> extras",
            "double carbonGrams",
            "Double.NaN"));
    assertThat(Files.readString(grown.resolve("HardwareReport.java")))
        .contains("String device, double energyMj)");

    assertThat(compile("MyEvaluator", DOCUMENTED, grown)).isEmpty();
    assertThat(compile("Canonical", CANONICAL, grown))
        .contains("constructor HardwareReport in record HardwareReport cannot be applied");
    // Against the records as they are, both compile: the difference is the added figure.
    assertThat(compile("Canonical", CANONICAL, null)).isEmpty();
  }

  /**
   * The record's source with one more component after {@code last}, and every call of its canonical
   * constructor ({@code new Name(...)} or {@code this(...)} with {@code arity} arguments) passing
   * {@code fill} for it.
   */
  static String addComponent(
      String source, String name, int arity, String last, String component, String fill) {
    int header = source.indexOf("public record " + name + "(");
    int end = source.indexOf(last, header) + last.length();
    String text = source.substring(0, end) + ", " + component + source.substring(end);
    StringBuilder out = new StringBuilder();
    Matcher call = Pattern.compile("(new " + name + "\\(|this\\()").matcher(text);
    int copied = 0;
    while (call.find()) {
      int open = call.end() - 1;
      int close = matching(text, open);
      if (arguments(text.substring(open + 1, close)) == arity) {
        out.append(text, copied, close).append(", ").append(fill);
        copied = close;
      }
    }
    return out.append(text.substring(copied)).toString();
  }

  private static int matching(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses at " + open);
  }

  /** Top-level commas plus one; 0 for an empty list. */
  private static int arguments(String list) {
    if (list.isBlank()) {
      return 0;
    }
    int depth = 0;
    int count = 1;
    for (char c : list.toCharArray()) {
      depth += c == '(' || c == '<' || c == '{' ? 1 : c == ')' || c == '>' || c == '}' ? -1 : 0;
      count += c == ',' && depth == 0 ? 1 : 0;
    }
    return count;
  }

  /** Compiles a user's file (with the grown records' sources, if any); the errors, or empty. */
  private String compile(String className, String source, Path grown) throws IOException {
    Path src = dir.resolve("user-" + className + (grown == null ? "-as-is" : ""));
    Files.createDirectories(src.resolve("user"));
    Path file = Files.writeString(src.resolve("user/" + className + ".java"), source);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                dir.resolve("out-" + className + (grown == null ? "-as-is" : "")).toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-proc:none",
                file.toString()));
    if (grown != null) {
      try (var files = Files.list(grown)) {
        files.map(Path::toString).forEach(args::add);
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    var task =
        javac.getTask(
            errors,
            null,
            null,
            args.subList(0, 5),
            null,
            javac
                .getStandardFileManager(null, Locale.ROOT, null)
                .getJavaFileObjectsFromStrings(args.subList(5, args.size())));
    boolean ok = task.call();
    return ok ? "" : errors.toString().replace(File.separatorChar, '/');
  }
}
