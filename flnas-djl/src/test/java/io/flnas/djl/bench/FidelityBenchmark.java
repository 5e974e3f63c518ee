package io.flnas.djl.bench;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.search.Search;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.search.design.Designers;
import io.flnas.search.promote.Halving;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.SearchSpaces;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;

/**
 * Successive halving against full training, as a part of {@link CostBenchmark}: the same 27 random
 * candidates of the default space on the default synthetic data (1,400 images of 16x16, seed 42, or
 * {@code -Dfidelity.seed=<n>} for the data, the weights and the candidates), once each trained
 * fully (at most 9 epochs, early stopping with patience 3) and then by each halving schedule of
 * {@link #schedules()}. Prints, per schedule, the epochs each spent and the highest validation
 * accuracy each found (for halving, of the trials at the rung they stopped at), which trial that
 * was, and the trials the FL-NAS objective picked.
 */
public final class FidelityBenchmark {
  static final int CANDIDATES = 27;

  /**
   * The halving schedules compared with full training, each printing its own line: {@code
   * -Dfidelity.schedules=1,3,9;2,4,8} (min epochs, eta, max epochs; separated by semicolons),
   * default (1,3,9), whose last rung is full training's 9 epochs, and (2,4,8).
   */
  static List<Halving> schedules() {
    String spec = System.getProperty("fidelity.schedules", "1,3,9;2,4,8");
    List<Halving> schedules = new java.util.ArrayList<>();
    for (String one : spec.split(";")) {
      String[] parts = one.trim().split(",");
      if (parts.length != 3) {
        throw new IllegalArgumentException("fidelity.schedules: '" + one + "' is not min,eta,max");
      }
      schedules.add(
          Halving.of(
              Integer.parseInt(parts[0].trim()),
              Integer.parseInt(parts[1].trim()),
              Integer.parseInt(parts[2].trim())));
    }
    return schedules;
  }

  private FidelityBenchmark() {}

  public static void run() throws Exception {
    long seed = Long.getLong("fidelity.seed", 42);
    ImageDataset data = SyntheticLesions.builder().size(1400).imageSize(16).seed(seed).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data)
            .maxEpochs(9)
            .patience(3)
            .seed(seed)
            .latencyRuns(5)
            .bootstrapResamples(100)
            .build()) {
      int[] fullEpochs = {0};
      SearchResult full = search(evaluator, data, fullEpochs, seed).build().run();
      failures("full", full);
      for (Halving schedule : schedules()) {
        int[] halvingEpochs = {0};
        SearchResult halving =
            search(evaluator, data, halvingEpochs, seed)
                .halving(schedule.checkpoints(Files.createTempDirectory("flnas-fidelity")))
                .build()
                .run();
        failures(schedule.toString(), halving);
        Trial fullBest = highest(full);
        Trial halvingBest = highest(halving);
        System.out.printf(
            "fidelity: full %d epochs best val %.1f; halving %d epochs best val" + " %.1f%n",
            fullEpochs[0], accuracy(fullBest), halvingEpochs[0], accuracy(halvingBest));
        // Which candidate each found, and what full training made of halving's: tells a ranking
        // miss (another candidate) from the spread of training itself (the same one).
        System.out.printf(
            "  %s: %.0f%% of the epochs; highest val: full trial %d, halving trial"
                + " %d (%.1f when trained fully)%n",
            schedule,
            100.0 * halvingEpochs[0] / fullEpochs[0],
            fullBest.iteration(),
            halvingBest.iteration(),
            accuracy(fully(full, halvingBest)));
        // The FL-NAS objective weighs unfairness and measured latency within 1 point of the
        // best accuracy, so its pick moves with timing noise; shown, not compared.
        Trial fullPick = full.best().orElse(null);
        Trial halvingPick = halving.best().orElse(null);
        System.out.printf(
            "  objective's picks: full trial %s (%.1f), halving trial %s (%.1f)%n",
            fullPick == null ? "-" : fullPick.iteration(),
            accuracy(fullPick),
            halvingPick == null ? "-" : halvingPick.iteration(),
            accuracy(halvingPick));
      }
    }
  }

  /** The completed trial of highest validation accuracy; null when none completed. */
  private static Trial highest(SearchResult result) {
    return result.completed().stream()
        .max(Comparator.comparingDouble((Trial t) -> t.result().accuracy()))
        .orElse(null);
  }

  /** The same candidate in {@code full}, or null where it did not complete there. */
  private static Trial fully(SearchResult full, Trial trial) {
    return trial == null
        ? null
        : full.completed().stream()
            .filter(t -> t.iteration() == trial.iteration())
            .findFirst()
            .orElse(null);
  }

  private static double accuracy(Trial trial) {
    return trial == null ? Double.NaN : 100 * trial.result().accuracy();
  }

  private static void failures(String run, SearchResult result) {
    for (Trial trial : result.history()) {
      if (trial.status() == Trial.Status.FAILED) {
        System.out.printf(
            "  %s: trial %d failed: %s%n",
            run, trial.iteration(), trial.reason().orElse("(no reason)"));
      }
    }
  }

  /** A random search of the candidates, counting every epoch trained. */
  private static Search.Builder search(
      DjlEvaluator evaluator, ImageDataset data, int[] epochs, long seed) {
    return Search.builder(data.problem(), evaluator)
        .designer(Designers.random())
        .space(SearchSpaces.paperCnn())
        .target(DeploymentTargets.a10())
        .maxIterations(CANDIDATES)
        .seed(seed)
        .listener(
            new SearchListener() {
              @Override
              public void epochFinished(int iteration, int epoch, int maxEpochs, double loss) {
                epochs[0]++;
              }
            });
  }

  public static void main(String[] args) throws Exception {
    run();
  }
}
