package io.flnas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.Cost;
import io.flnas.search.Search;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.space.NasBench201Space;
import io.flnas.space.NasBenchMacroSpace;
import io.flnas.space.SearchSpaces;
import io.flnas.space.Templates;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularBenchmarksTest {

  @Test
  void macro_parameters_and_macs_equal_the_tables_params_and_flops_for_all_6561_networks()
      throws Exception {
    NasBenchMacroSpace space = SearchSpaces.nasBenchMacro();
    int rows = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(
                    TabularBenchmarks.class.getResourceAsStream("nasbench_macro_cifar10.csv.gz")),
                StandardCharsets.UTF_8))) {
      String header = in.readLine();
      assertThat(header).startsWith("arch,").contains("params", "flops");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        Architecture network =
            space.architecture(NasBenchMacroSpace.parse(f[0]), TabularBenchmark.cifar(), 10);
        Cost cost = Cost.of(network);
        assertThat(cost.parameters()).as("params of %s", f[0]).isEqualTo(Long.parseLong(f[5]));
        assertThat(cost.macs()).as("flops of %s", f[0]).isEqualTo(Long.parseLong(f[6]));
        rows++;
      }
    }
    assertThat(rows).isEqualTo(6561);
  }

  @Test
  void nb201_cost_matches_the_published_figures_of_its_largest_and_empty_cells() {
    NasBench201Space space = SearchSpaces.nasBench201();
    Cost largest =
        Cost.of(
            space.architecture(
                NasBench201Space.parse(
                    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                        + "nor_conv_3x3~2|"),
                TabularBenchmark.cifar(),
                10));
    Cost empty = Cost.of(space.architecture(new int[6], TabularBenchmark.cifar(), 10));

    assertThat(largest.parameters()).isEqualTo(1_531_546); // 1.53 M in the benchmark's paper
    assertThat(largest.macs()).isEqualTo(220_119_680); // 220.1 M
    assertThat(empty.parameters()).isEqualTo(73_306);
    assertThat(empty.macs()).isEqualTo(7_783_040);
  }

  @Test
  void a_cell_architecture_round_trips_through_both_templates_and_its_choices() {
    NasBench201Space space = SearchSpaces.nasBench201();
    int[] choices =
        NasBench201Space.parse(
            "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|");
    Architecture network = space.architecture(choices, TabularBenchmark.cifar(), 10);

    for (var template : List.of(Templates.json(), Templates.pytorch())) {
      Architecture parsed = template.parse(template.render(network), network.input(), 10);
      assertThat(parsed.sameStructure(network)).as(template.name()).isTrue();
    }
    assertThat(ArchitectureJson.read(ArchitectureJson.write(network)).sameStructure(network))
        .isTrue();
    assertThat(space.choices(network)).hasValueSatisfying(c -> assertThat(c).isEqualTo(choices));
    assertThat(space.validate(network)).isEmpty();
    assertThat(NasBench201Space.arch(choices))
        .isEqualTo(
            "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|");
  }

  @Test
  void spaces_refuse_what_is_not_one_of_their_networks() {
    Architecture paper =
        SearchSpaces.paperCnn().sample(new Random(1), TabularBenchmark.cifar(), 10);
    assertThat(SearchSpaces.nasBench201().validate(paper))
        .singleElement()
        .satisfies(v -> assertThat(v.rule()).contains("15625 networks of NAS-Bench-201"));
    Architecture cell =
        SearchSpaces.nasBench201().sample(new Random(1), TabularBenchmark.cifar(), 10);
    assertThat(SearchSpaces.paperCnn().validate(cell))
        .isNotEmpty()
        .anySatisfy(v -> assertThat(v.rule()).contains("cells belong to cell-based spaces"));
    assertThatThrownBy(() -> NasBench201Space.parse("|conv~0|")).hasMessageContaining("6 edges");
    assertThatThrownBy(() -> TabularBenchmarks.byName("nb101"))
        .hasMessageContaining("unknown benchmark 'nb101'");
  }

  @Test
  void the_tabular_evaluator_answers_validation_for_search_test_for_report_and_latencies() {
    TabularBenchmark bench = TabularBenchmarks.nb201Cifar10();
    int[] best =
        NasBench201Space.parse(
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                + "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
    Architecture network = bench.space().architecture(best, bench.problem().input(), 10);
    TabularBenchmark.Row row = bench.row(bench.space().index(best));

    var e = new TabularEvaluator(bench, "pixel3").evaluate(network);

    assertThat(e.succeeded()).isTrue();
    assertThat(e.accuracy())
        .isEqualTo(row.signal() / 100, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(100 * e.test().accuracy())
        .isCloseTo(94.37, org.assertj.core.api.Assertions.within(0.01));
    assertThat(e.hardware().latencyMs()).isEqualTo(row.latencyMs().get("pixel3"));
    assertThat(e.extras()).containsKeys("latency_ms_pixel3", "latency_ms_raspi4");
    assertThat(e.hardware().parameters()).isEqualTo(Cost.of(network).parameters());
    assertThatThrownBy(() -> new TabularEvaluator(bench, "toaster"))
        .hasMessageContaining("no latency for device 'toaster'");
  }

  @Test
  void each_query_is_a_journaled_trial_and_the_same_seed_gives_the_same_trials(@TempDir Path dir) {
    TabularBenchmark bench = TabularBenchmarks.macroCifar10();
    SearchResult first = search(bench, dir.resolve("a.jsonl"));
    SearchResult second = search(bench, dir.resolve("b.jsonl"));

    assertThat(first.history())
        .extracting(t -> t.architecture().orElseThrow().summary())
        .isEqualTo(
            second.history().stream().map(t -> t.architecture().orElseThrow().summary()).toList());
    assertThat(first.history()).hasSize(12).allMatch(Trial::completed);
    assertThat(dir.resolve("a.jsonl")).exists();
    assertThat(lines(dir.resolve("a.jsonl")))
        .filteredOn(l -> l.contains("\"type\":\"trial\""))
        .hasSize(12);
  }

  private static SearchResult search(TabularBenchmark bench, Path journal) {
    return Search.builder(bench.problem(), new TabularEvaluator(bench))
        .space(bench.space())
        .designer(Designers.surrogate())
        .target(io.flnas.space.DeploymentTargets.unconstrained())
        .objective(
            io.flnas.search.rank.Objectives.lexicographic(io.flnas.search.rank.Metric.ACCURACY))
        .maxIterations(12)
        .seed(7)
        .journal(journal)
        .build()
        .run();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void the_surrogate_beats_regularized_evolution_on_nb201_cifar10_over_a_few_seeds() {
    BenchmarkResult result =
        BenchmarkRun.builder(TabularBenchmarks.nb201Cifar10())
            .seeds(20)
            .budgets(10, 100)
            .threads(2)
            .designer("evolution", () -> Designers.evolution(10, 3))
            .designer("surrogate", Designers::surrogate)
            .build()
            .run();

    BenchmarkResult.Curve evolution = result.curves().get(0);
    BenchmarkResult.Curve surrogate = result.curves().get(1);
    assertThat(surrogate.mean(0)).isGreaterThan(evolution.mean(0));
    assertThat(surrogate.mean(1)).isGreaterThan(evolution.mean(1));
    assertThat(result.lines())
        .anyMatch(l -> l.startsWith("bench: nb201-cifar10 surrogate N=100 test 94."));
  }
}
