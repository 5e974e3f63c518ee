package io.flnas.examples;

import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Isic2019;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The command line's data and training options, and the dataset a plan's training settings name.
 */
final class DataOptions {
  /**
   * The default synthetic experiment: as many images as the README's first command trains in about
   * 8 minutes on 2 CPU cores, four small-input baselines and 10 iterations included, so the test
   * split is as large as that time allows. 16 px rather than 32 px: the baselines' small-input
   * variants keep their maps large (that is what makes them learn), which costs about 2.2 times as
   * much per image at 32 px, so at 32 px fewer than half as many images would fit.
   */
  static final int SYNTHETIC_SAMPLES = 1400;

  static final int SYNTHETIC_IMAGE_SIZE = 16;

  @Option(
      names = "--data",
      defaultValue = "synthetic",
      paramLabel = "SOURCE",
      description =
          "synthetic (the embedded default) or isic:<dir> (an ISIC 2019 folder with"
              + " the ground-truth and metadata CSVs and ISIC_2019_Training_Input/). Default:"
              + " ${DEFAULT-VALUE}.")
  String data;

  @Option(
      names = "--image-size",
      paramLabel = "PX",
      description =
          "Image side after resizing. Default: "
              + SYNTHETIC_IMAGE_SIZE
              + " for synthetic, 64 for ISIC.")
  Integer imageSize;

  @Option(
      names = "--samples",
      paramLabel = "N|all",
      description =
          "Images in all: the synthetic dataset size, or the ISIC balanced subset; all takes"
              + " every ISIC image, unbalanced. Default: "
              + SYNTHETIC_SAMPLES
              + " for synthetic, 5000 for ISIC (the paper's).")
  String samples;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Folder of the decoded-image cache: the first run decodes the ISIC images into a file"
              + " there, later runs map it. Default: $XDG_CACHE_HOME/flnas or ~/.cache/flnas.")
  Path cache;

  @Option(
      names = "--max-epochs",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Upper bound on training epochs per model (early stopping on validation"
              + " loss, patience 2). Default: ${DEFAULT-VALUE}.")
  int maxEpochs;

  /** The options as the plan's training settings, with the sizes the data source defaults to. */
  RunPlan.Training plan(int threads, boolean allowDownload) {
    boolean synthetic = data.equals("synthetic");
    return new RunPlan.Training(
        data,
        samples != null ? samples(samples, synthetic) : synthetic ? SYNTHETIC_SAMPLES : 5000,
        imageSize != null ? imageSize : synthetic ? SYNTHETIC_IMAGE_SIZE : 64,
        maxEpochs,
        threads,
        allowDownload);
  }

  /** {@code --samples}: a count, or {@code all} for an ISIC folder. */
  private static int samples(String value, boolean synthetic) {
    if (value.trim().equalsIgnoreCase("all")) {
      if (synthetic) {
        throw new UsageException(
            "--samples all needs --data isic:<dir>; synthetic data has a size");
      }
      return WorkSpec.ALL_SAMPLES;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--samples must be a number or all, but was '" + value + "'");
    }
  }

  /** {@code --samples} as written back into a command line. */
  static String samplesOption(int samples) {
    return samples == WorkSpec.ALL_SAMPLES ? "all" : String.valueOf(samples);
  }

  /**
   * The dataset a plan trains on, checked for a usable source first; decoded ISIC images cached in
   * {@code cache} (null: the default folder), the loader's lines sent to {@code progress}.
   */
  static ImageDataset load(RunPlan plan, Path cache, Consumer<String> progress) {
    String data = plan.training().data();
    if (data.startsWith("isic:") && !Files.isDirectory(Path.of(data.substring(5)))) {
      throw new UsageException("--data: ISIC folder " + data.substring(5) + " does not exist");
    }
    return plan.workSpec().loadDataset(cache != null ? cache : Isic2019.defaultCache(), progress);
  }
}
