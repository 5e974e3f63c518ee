package io.flnas.examples;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.proxy.NaswotScorer;
import io.flnas.djl.train.Precision;
import io.flnas.search.Search;
import io.flnas.search.promote.Halving;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The command line's cost levers, each an option that composes with the others and with workers:
 * successive halving ({@code --halving}, {@code --halving-mode}), the zero-cost pre-screen ({@code
 * --prescreen}) and the number format ({@code --precision}, carried to workers in their work
 * spec).
 */
final class CostOptions {
  @Option(names = "--halving", paramLabel = "MIN,ETA,MAX",
      description = "Train by successive halving: every trial MIN epochs, then the best 1/ETA on"
          + " to ETA times as many epochs in all, continuing from their weights, up to MAX."
          + " Default: off (every trial trains --max-epochs).")
  String halving;

  @Option(names = "--halving-mode", defaultValue = "async", paramLabel = "async|sync",
      description = "async promotes whenever a slot frees up (ASHA); sync trains all of a rung"
          + " before the next. Default: ${DEFAULT-VALUE}.")
  String halvingMode;

  @Option(names = "--prescreen", paramLabel = "N",
      description = "Ask the designer for N proposals per free slot and train the one the"
          + " zero-cost NASWOT proxy scores best. Default: off.")
  Integer prescreen;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "Number format of training and measurement; bf16 needs the CPU's bfloat16"
          + " units, here and on every worker. Default: ${DEFAULT-VALUE}.")
  String precision;

  /** Checks every lever's value; a usage error names the option. */
  void validate(int maxEpochs) {
    halving(maxEpochs);
    precision();
    if (prescreen != null && prescreen < 1) {
      throw new UsageException("--prescreen must be >= 1 proposals per slot, but was "
          + prescreen);
    }
  }

  /** The halving the options ask for, if any. */
  Optional<Halving> halving(int maxEpochs) {
    Halving.Mode mode = switch (halvingMode.toLowerCase(Locale.ROOT)) {
      case "async" -> Halving.Mode.ASYNC;
      case "sync" -> Halving.Mode.SYNC;
      default -> throw new UsageException("--halving-mode must be async or sync, but was '"
          + halvingMode + "'");
    };
    if (halving == null) {
      return Optional.empty();
    }
    String[] parts = halving.split(",", -1);
    if (parts.length != 3) {
      throw new UsageException("--halving takes MIN,ETA,MAX (e.g. 1,3,9), but was '" + halving
          + "'");
    }
    int[] values = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        values[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--halving takes three whole numbers MIN,ETA,MAX, but '"
            + parts[i] + "' in '" + halving + "' is not one");
      }
    }
    Halving parsed;
    try {
      parsed = Halving.of(values[0], values[1], values[2]).mode(mode);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--halving " + halving + ": " + e.getMessage());
    }
    if (parsed.maxEpochs() > maxEpochs) {
      throw new UsageException("--halving " + halving + " trains up to " + parsed.maxEpochs()
          + " epochs, more than --max-epochs " + maxEpochs);
    }
    return Optional.of(parsed);
  }

  Precision precision() {
    return switch (precision.toLowerCase(Locale.ROOT)) {
      case "fp32" -> Precision.FP32;
      case "bf16" -> Precision.BF16;
      default -> throw new UsageException("--precision must be fp32 or bf16, but was '"
          + precision + "'");
    };
  }

  /**
   * Sets the levers on a search. Halving needs an evaluator or executor that continues a trial
   * from its weights; the builder's refusal becomes a usage error.
   */
  void apply(Search.Builder builder, ImageDataset dataset, long seed, int maxEpochs) {
    Optional<Halving> chosen = halving(maxEpochs);
    if (chosen.isPresent()) {
      try {
        builder.halving(chosen.get());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--halving: " + e.getMessage());
      }
    }
    if (prescreen != null) {
      builder.prescreen(NaswotScorer.builder(dataset).seed(seed).build(), prescreen);
    }
  }

  /** One line for the console, or empty when every lever is off. */
  String describe(int maxEpochs) {
    StringBuilder line = new StringBuilder();
    halving(maxEpochs).ifPresent(h -> line.append(", halving ").append(h.rungEpochs())
        .append(h.mode() == Halving.Mode.ASYNC ? " async" : " sync"));
    if (prescreen != null) {
      line.append(", pre-screen naswot x").append(prescreen);
    }
    if (precision() == Precision.BF16) {
      line.append(", bf16");
    }
    return line.toString();
  }
}
