package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.JournalMismatchException;
import io.flnas.arch.Shape;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal with a trial's end recorded twice: identical resumes, different is refused. */
class JournalRepeatTest {
  static final Problem PROBLEM = new Problem("toy", Shape.image(3, 16, 16), 4);

  @TempDir Path dir;

  Search.Builder search(Path journal, int iterations) {
    return Search.builder(PROBLEM, new CheapEvaluator())
        .designer(Designers.random())
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.unconstrained())
        .maxIterations(iterations)
        .seed(2)
        .journal(journal);
  }

  /** The journal with its line holding trial 2's end written again at the end. */
  Path withRepeatedEnd(String name, java.util.function.UnaryOperator<String> edit)
      throws Exception {
    Path journal = dir.resolve(name);
    search(journal, 3).build().run();
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    String end =
        lines.stream()
            .filter(l -> l.contains("\"type\":\"trial\"") && l.contains("\"iteration\":2,"))
            .findFirst()
            .orElseThrow();
    lines.add(edit.apply(end));
    Files.write(journal, lines);
    return journal;
  }

  @Test
  void an_identical_second_end_record_resumes_keeping_the_first() throws Exception {
    Path journal = withRepeatedEnd("same.jsonl", line -> line);

    SearchResult resumed = search(journal, 4).build().run();

    assertThat(resumed.history()).extracting(Trial::iteration).containsExactly(1, 2, 3, 4);
  }

  @Test
  void a_different_second_end_record_is_refused_naming_both_lines() throws Exception {
    Path journal =
        withRepeatedEnd(
            "other.jsonl",
            line -> line.replaceFirst("\"seconds\":[0-9.Ee-]+", "\"seconds\":12345.0"));

    assertThatThrownBy(() -> search(journal, 4).build().run())
        .isInstanceOf(JournalMismatchException.class)
        .hasMessageContaining("records trial 2 ending a second time, differently from line");
  }
}
