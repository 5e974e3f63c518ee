package io.flnas.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.JournalMismatchException;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.metrics.EvaluationJson;
import io.flnas.search.Baselines;
import io.flnas.search.TrialExecutor;
import io.flnas.search.journal.JsonLines;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Baseline results in {@code baselines.jsonl}, one line each as it finishes, so a resumed run does
 * not train them again. The journal's rule ({@link JsonLines}): a torn last line is ignored and
 * that baseline is trained again; a corrupt earlier line is an error naming it.
 */
final class BaselineStore {
  private final Path file;

  BaselineStore(Path file) {
    this.file = file;
  }

  Map<String, Baselines.Baseline> load() {
    Map<String, Baselines.Baseline> loaded = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return loaded;
    }
    for (JsonLines.Line line :
        JsonLines.read(
            file,
            true,
            (message, cause) -> new JournalMismatchException("baselines file " + message, cause))) {
      JsonNode node = line.node();
      try {
        loaded.put(
            node.get("name").asText(),
            new Baselines.Baseline(
                node.get("name").asText(),
                ArchitectureJson.fromNode(node.get("architecture"), null, 0),
                EvaluationJson.fromNode(node.get("evaluation"))));
      } catch (RuntimeException e) {
        throw new JournalMismatchException(
            "baselines file " + file + " line " + line.number() + " is corrupt: " + e.getMessage(),
            e);
      }
    }
    return loaded;
  }

  /**
   * The named baselines: restored from the file, or trained and appended as each finishes; one line
   * per baseline on {@code out}. With workers ({@code executor} not null) the missing ones train as
   * tasks on the workers, all at once, in parallel; otherwise one after the other with {@code
   * evaluator} in this process.
   */
  List<Baselines.Baseline> evaluate(
      DjlEvaluator evaluator,
      TrialExecutor executor,
      ImageDataset dataset,
      List<String> names,
      PrintStream out) {
    Map<String, Baselines.Baseline> done = load();
    Map<String, Baselines.Baseline> results = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      String canonical = ReferenceArchitectures.byName(name, dataset.input(), 2).name();
      Baselines.Baseline baseline = done.get(canonical);
      results.put(name, baseline);
      if (baseline != null) {
        out.println("baseline " + canonical + ": restored from baselines.jsonl");
        print(baseline, out);
      } else {
        missing.add(name);
      }
    }
    if (executor != null && !missing.isEmpty()) {
      out.println("baselines: training " + String.join(", ", missing) + " on the workers");
      List<Baselines.Baseline> trained =
          Baselines.evaluate(executor, dataset.problem(), missing, (name, evaluation) -> {});
      for (int i = 0; i < missing.size(); i++) {
        append(trained.get(i));
        print(trained.get(i), out);
        results.put(missing.get(i), trained.get(i));
      }
    } else {
      for (String name : missing) {
        out.println(
            "baseline "
                + ReferenceArchitectures.byName(name, dataset.input(), 2).name()
                + ": training");
        Baselines.Baseline baseline =
            Baselines.evaluate(evaluator, dataset.problem(), List.of(name)).get(0);
        append(baseline);
        print(baseline, out);
        results.put(name, baseline);
      }
    }
    return new ArrayList<>(results.values());
  }

  private static void print(Baselines.Baseline baseline, PrintStream out) {
    Evaluation e = baseline.evaluation();
    out.println(
        "baseline "
            + baseline.name()
            + ": "
            + (e.succeeded()
                ? String.format(
                    "val acc %.1f%% unfairness %.3f params %,d latency %.2f ms",
                    100 * e.accuracy(),
                    e.unfairness(),
                    e.hardware().parameters(),
                    e.hardware().latencyMs())
                : "failed: " + e.failure().orElse("")));
  }

  void append(Baselines.Baseline baseline) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", baseline.name());
    node.set("architecture", ArchitectureJson.toNode(baseline.architecture(), true));
    node.set("evaluation", EvaluationJson.toNode(baseline.evaluation()));
    JsonLines.append(file, node.toString());
  }
}
