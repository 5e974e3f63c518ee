package io.flnas.examples;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.proxy.NaswotScorer;
import io.flnas.djl.train.Precision;
import io.flnas.search.Search;
import io.flnas.search.promote.Halving;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The command line's cost levers, each an option that composes with the others and with workers:
 * successive halving ({@code --halving}, {@code --halving-mode}), the zero-cost pre-screen ({@code
 * --prescreen}) and the number format ({@code --precision}, carried to workers in their work spec).
 * Their values are checked in {@link RunPlan.Costs}.
 */
final class CostOptions {
  @Option(
      names = "--halving",
      paramLabel = "MIN,ETA,MAX",
      description =
          "Train by successive halving: every trial MIN epochs, then the best 1/ETA on"
              + " to ETA times as many epochs in all, continuing from their weights, up to MAX."
              + " Default: off (every trial trains --max-epochs).")
  String halving;

  @Option(
      names = "--halving-mode",
      defaultValue = "async",
      paramLabel = "async|sync",
      description =
          "async promotes whenever a slot frees up (ASHA); sync trains all of a rung"
              + " before the next. Default: ${DEFAULT-VALUE}.")
  String halvingMode;

  @Option(
      names = "--prescreen",
      paramLabel = "N",
      description =
          "Ask the designer for N proposals per free slot and train the one the"
              + " zero-cost NASWOT proxy scores best. Default: off.")
  Integer prescreen;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      paramLabel = "fp32|bf16",
      description =
          "Number format of training and measurement; bf16 needs the CPU's bfloat16"
              + " units, here and on every worker. Default: ${DEFAULT-VALUE}.")
  String precision;

  /** The options as the plan's cost levers. */
  RunPlan.Costs plan() {
    return new RunPlan.Costs(halving, halvingMode, prescreen, precision);
  }

  /**
   * Sets a plan's levers on a search. Halving needs an evaluator or executor that continues a trial
   * from its weights; the builder's refusal becomes a usage error.
   */
  static void apply(RunPlan.Costs plan, Search.Builder builder, ImageDataset dataset, long seed) {
    Optional<Halving> chosen = plan.schedule();
    if (chosen.isPresent()) {
      try {
        builder.halving(chosen.get());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--halving: " + e.getMessage());
      }
    }
    if (plan.prescreen() != null) {
      builder.prescreen(NaswotScorer.builder(dataset).seed(seed).build(), plan.prescreen());
    }
  }

  /** One line for the console, or empty when every lever is off. */
  static String describe(RunPlan.Costs plan) {
    StringBuilder line = new StringBuilder();
    plan.schedule()
        .ifPresent(
            h ->
                line.append(", halving ")
                    .append(h.rungEpochs())
                    .append(h.mode() == Halving.Mode.ASYNC ? " async" : " sync"));
    if (plan.prescreen() != null) {
      line.append(", pre-screen naswot x").append(plan.prescreen());
    }
    if (plan.numberFormat() == Precision.BF16) {
      line.append(", bf16");
    }
    return line.toString();
  }
}
