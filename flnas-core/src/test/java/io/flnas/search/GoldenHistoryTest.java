package io.flnas.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Shape;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import io.flnas.testing.CheapEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins the trials a seeded search produced before the search became a scheduler of concurrent
 * trials: with one trial in flight it must produce exactly these, trial for trial. The expected
 * lines were written by this test's {@code -Dflnas.golden.write=DIR} mode from the sequential loop
 * at commit cb92e15 and are kept in {@code src/test/resources/golden/}.
 */
class GoldenHistoryTest {
  private static final Problem PROBLEM = new Problem("toy skin lesions", Shape.image(3, 16, 16), 4);

  static Search.Builder builder(Designer designer, long seed) {
    return Search.builder(PROBLEM, new CheapEvaluator())
        .designer(designer)
        .space(SearchSpaces.tiny())
        .target(DeploymentTargets.a10())
        .maxIterations(30)
        .seed(seed);
  }

  static List<String> lines(SearchResult result) {
    return result.history().stream()
        .map(
            t ->
                t.iteration()
                    + " "
                    + t.status()
                    + " "
                    + t.hash().orElse("-")
                    + " "
                    + t.duplicateOf()
                    + " "
                    + t.evaluation()
                        .map(e -> String.format("%.6f %.6f", e.accuracy(), e.unfairness()))
                        .orElse("-"))
        .collect(Collectors.toList());
  }

  @Test
  void evolution_and_random_searches_keep_their_sequential_history() throws IOException {
    check("evolution-seed5", lines(builder(Designers.evolution(4, 2), 5).build().run()));
    check("random-seed9", lines(builder(Designers.random(), 9).build().run()));
    // explicitly one in flight, on an executor the caller owns
    try (TrialExecutor one = TrialExecutors.inProcess(new CheapEvaluator(), 1)) {
      check(
          "evolution-seed5",
          lines(
              Search.builder(PROBLEM, one)
                  .designer(Designers.evolution(4, 2))
                  .space(SearchSpaces.tiny())
                  .target(DeploymentTargets.a10())
                  .maxIterations(30)
                  .seed(5)
                  .parallelism(1)
                  .build()
                  .run()));
    }
  }

  static void check(String name, List<String> actual) throws IOException {
    String write = System.getProperty("flnas.golden.write");
    if (write != null) {
      Files.write(Path.of(write, name + ".txt"), actual, StandardCharsets.UTF_8);
    }
    try (InputStream in = GoldenHistoryTest.class.getResourceAsStream("/golden/" + name + ".txt")) {
      assertThat(in).as("golden file " + name).isNotNull();
      List<String> expected =
          List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
      assertThat(actual).isEqualTo(expected);
    }
  }
}
