package io.flnas.djl.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Preconditions;
import io.flnas.djl.data.DataException;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Isic2019;
import io.flnas.djl.data.SyntheticLesions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What every worker of a search evaluates with: the data (built by each worker from this spec:
 * synthetic from its seed, or an ISIC folder at a path on the worker's machine), the training
 * settings, and the factory of the worker's evaluator. The coordinator sends it with every trial.
 *
 * @param data {@code synthetic} or {@code isic:<folder>}
 * @param samples images in all (the synthetic size or the ISIC balanced subset; {@link
 *     #ALL_SAMPLES} for every ISIC image)
 * @param imageSize image side after resizing
 * @param seed seed of the data and of training
 * @param maxEpochs upper bound on training epochs
 * @param patience early-stopping patience in epochs
 * @param factory class name of the worker's {@link WorkerEvaluators}
 * @param factoryArgument a setting for that factory (free text; may be empty)
 * @param precision {@code fp32} or {@code bf16}; a worker whose CPU lacks bfloat16 units refuses
 *     bf16 with the reason, as the coordinator does
 */
public record WorkSpec(
    String data,
    int samples,
    int imageSize,
    long seed,
    int maxEpochs,
    int patience,
    String factory,
    String factoryArgument,
    String precision) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@link #samples} meaning every image of an ISIC folder, unbalanced. */
  public static final int ALL_SAMPLES = Integer.MAX_VALUE;

  public WorkSpec {
    Preconditions.checkArgument(
        data != null && (data.equals("synthetic") || data.startsWith("isic:")),
        "data must be synthetic or isic:<folder>, but was '%s'",
        data);
    Preconditions.checkArgument(samples > 0, "samples must be > 0, but was %s", samples);
    Preconditions.checkArgument(imageSize > 0, "imageSize must be > 0, but was %s", imageSize);
    Preconditions.checkArgument(maxEpochs > 0, "maxEpochs must be > 0, but was %s", maxEpochs);
    Preconditions.checkArgument(patience > 0, "patience must be > 0, but was %s", patience);
    Preconditions.checkArgument(factory != null && !factory.isBlank(), "factory must be set");
    factoryArgument = factoryArgument == null ? "" : factoryArgument;
    precision = precision == null ? "fp32" : precision;
    Preconditions.checkArgument(
        precision.equals("fp32") || precision.equals("bf16"),
        "precision must be fp32 or bf16, but was '%s'",
        precision);
  }

  /** A spec in fp32. */
  public WorkSpec(
      String data,
      int samples,
      int imageSize,
      long seed,
      int maxEpochs,
      int patience,
      String factory,
      String factoryArgument) {
    this(data, samples, imageSize, seed, maxEpochs, patience, factory, factoryArgument, "fp32");
  }

  /** DJL training on the given data, as the command-line program trains. */
  public static WorkSpec djl(
      String data, int samples, int imageSize, long seed, int maxEpochs, int patience) {
    return new WorkSpec(
        data,
        samples,
        imageSize,
        seed,
        maxEpochs,
        patience,
        DjlWorkerEvaluators.class.getName(),
        "");
  }

  /** The same spec with the data at another place, e.g. the ISIC folder on a worker's machine. */
  public WorkSpec withData(String value) {
    return new WorkSpec(
        value, samples, imageSize, seed, maxEpochs, patience, factory, factoryArgument, precision);
  }

  /** The same spec in another number format, {@code fp32} or {@code bf16}. */
  public WorkSpec withPrecision(String value) {
    return new WorkSpec(
        data, samples, imageSize, seed, maxEpochs, patience, factory, factoryArgument, value);
  }

  /**
   * Builds the dataset this spec names; an ISIC folder's decoded images are cached in {@link
   * Isic2019#defaultCache()}.
   */
  public ImageDataset loadDataset() {
    return loadDataset(Isic2019.defaultCache(), line -> {});
  }

  /**
   * Builds the dataset this spec names, an ISIC folder's decoded images cached in {@code cache} and
   * the loader's lines (subset, progress, time) sent to {@code progress}.
   */
  public ImageDataset loadDataset(Path cache, Consumer<String> progress) {
    if (data.equals("synthetic")) {
      if (samples == ALL_SAMPLES) {
        throw new DataException("samples all needs a folder of images (isic:<folder>)");
      }
      return SyntheticLesions.builder().size(samples).imageSize(imageSize).seed(seed).generate();
    }
    Path folder = Path.of(data.substring("isic:".length()));
    if (!Files.isDirectory(folder)) {
      throw new DataException("ISIC folder " + folder + " does not exist");
    }
    Isic2019.Builder isic =
        Isic2019.builder(folder)
            .imageSize(imageSize)
            .seed(seed)
            .badImages(Isic2019.BadImages.SKIP)
            .cache(cache)
            .progress(progress);
    return (samples == ALL_SAMPLES ? isic.allSamples() : isic.subsetSize(samples)).load();
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static WorkSpec fromJson(String json) {
    try {
      return JSON.readValue(json, WorkSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a work spec: " + e.getOriginalMessage(), e);
    }
  }
}
