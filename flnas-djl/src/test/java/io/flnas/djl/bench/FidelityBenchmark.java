package io.flnas.djl.bench;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.search.Designers;
import io.flnas.search.Halving;
import io.flnas.search.Search;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Files;
import java.util.List;

/**
 * Successive halving against full training, as a part of {@link CostBenchmark}: the same 27 random
 * candidates of the default space on the default synthetic data (1,400 images of 16x16, seed 42,
 * or {@code -Dfidelity.seed=<n>} for the data, the weights and the candidates),
 * once each trained fully (at most 9 epochs, early stopping with patience 3) and then by each
 * halving schedule of {@link #schedules()}. Prints, per schedule, the epochs each spent and the best
 * validation accuracy each found (by the FL-NAS objective), and which trial each picked.
 */
public final class FidelityBenchmark {
  static final int CANDIDATES = 27;
  /**
   * The halving schedules compared with full training, each printing its own line: {@code
   * -Dfidelity.schedules=1,3,9;2,4,8} (min epochs, eta, max epochs; separated by semicolons),
   * default (1,3,9) and (1,2,8).
   */
  static List<Halving> schedules() {
    String spec = System.getProperty("fidelity.schedules", "1,3,9;1,2,8");
    List<Halving> schedules = new java.util.ArrayList<>();
    for (String one : spec.split(";")) {
      String[] parts = one.trim().split(",");
      if (parts.length != 3) {
        throw new IllegalArgumentException("fidelity.schedules: '" + one
            + "' is not min,eta,max");
      }
      schedules.add(Halving.of(Integer.parseInt(parts[0].trim()),
          Integer.parseInt(parts[1].trim()), Integer.parseInt(parts[2].trim())));
    }
    return schedules;
  }

  private FidelityBenchmark() {}

  public static void run() throws Exception {
    long seed = Long.getLong("fidelity.seed", 42);
    ImageDataset data = SyntheticLesions.builder().size(1400).imageSize(16).seed(seed).generate();
    try (DjlEvaluator evaluator = DjlEvaluator.builder(data).maxEpochs(9).patience(3).seed(seed)
        .latencyRuns(5).bootstrapResamples(100).build()) {
      int[] fullEpochs = {0};
      SearchResult full = search(evaluator, data, fullEpochs, seed).build().run();
      for (Halving schedule : schedules()) {
        int[] halvingEpochs = {0};
        SearchResult halving = search(evaluator, data, halvingEpochs, seed).halving(schedule
            .checkpoints(Files.createTempDirectory("flnas-fidelity"))).build().run();
        System.out.printf("fidelity: full %d epochs best val %.1f; halving %d epochs best val"
            + " %.1f%n", fullEpochs[0], best(full), halvingEpochs[0], best(halving));
        // Which candidate each picked, and what full training made of halving's pick: tells a
        // ranking miss (another candidate) from the spread of training itself (the same one).
        int fullPick = full.best().map(Trial::iteration).orElse(-1);
        int halvingPick = halving.best().map(Trial::iteration).orElse(-1);
        double pickFully = full.completed().stream().filter(t -> t.iteration() == halvingPick)
            .findFirst().map(t -> 100 * t.result().accuracy()).orElse(Double.NaN);
        System.out.printf("  %s: %.0f%% of the epochs; full picked trial %d, halving trial %d"
            + " (%.1f when trained fully)%n", schedule, 100.0 * halvingEpochs[0] / fullEpochs[0],
            fullPick, halvingPick, pickFully);
      }
    }
  }

  /** A random search of the candidates, counting every epoch trained. */
  private static Search.Builder search(DjlEvaluator evaluator, ImageDataset data, int[] epochs,
      long seed) {
    return Search.builder(data.problem(), evaluator).designer(Designers.random())
        .space(SearchSpaces.paperCnn()).target(DeploymentTargets.a10())
        .maxIterations(CANDIDATES).seed(seed).listener(new SearchListener() {
          @Override
          public void epochFinished(int iteration, int epoch, int maxEpochs, double loss) {
            epochs[0]++;
          }
        });
  }

  private static double best(SearchResult result) {
    return 100 * result.best().map(t -> t.result().accuracy()).orElse(Double.NaN);
  }

  public static void main(String[] args) throws Exception {
    run();
  }
}
