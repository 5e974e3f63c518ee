package io.flnas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE rule 1: the core imports no DJL and no LangChain4j (the enforcer bans the dependency). */
class ProviderFreeCoreTest {
  @Test
  void core_sources_import_no_provider_types() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<Path> offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(
                  p -> {
                    try {
                      String text = Files.readString(p);
                      return text.contains("import ai.djl")
                          || text.contains("import dev.langchain4j");
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .collect(Collectors.toList());
      assertThat(offenders).isEmpty();
    }
    assertThat(Path.of("src/main/java/io/flnas/search/Search.java")).exists();
  }
}
