package io.flnas.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.arch.ArchitectureJson;
import io.flnas.metrics.EvaluationJson;
import io.flnas.search.Baselines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Baseline results in {@code baselines.jsonl}, one line each as it finishes, so a resumed run does
 * not train them again. A torn last line is ignored.
 */
final class BaselineStore {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Path file;

  BaselineStore(Path file) {
    this.file = file;
  }

  Map<String, Baselines.Baseline> load() throws IOException {
    Map<String, Baselines.Baseline> loaded = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return loaded;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      try {
        JsonNode node = MAPPER.readTree(line);
        loaded.put(node.get("name").asText(), new Baselines.Baseline(node.get("name").asText(),
            ArchitectureJson.fromNode(node.get("architecture"), null, 0),
            EvaluationJson.fromNode(node.get("evaluation"))));
      } catch (IOException | RuntimeException e) {
        // a torn line from an interrupted run: that baseline is evaluated again
      }
    }
    return loaded;
  }

  void append(Baselines.Baseline baseline) throws IOException {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", baseline.name());
    node.set("architecture", ArchitectureJson.toNode(baseline.architecture(), true));
    node.set("evaluation", EvaluationJson.toNode(baseline.evaluation()));
    Files.writeString(file, node + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
