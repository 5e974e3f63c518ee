package io.flnas.djl.train;

import com.google.common.base.Preconditions;

/**
 * The one fixed set of training settings every candidate of a search is trained with (the paper
 * trains all candidates and baselines the same way).
 *
 * @param optimizer {@code adam} or {@code sgd} (momentum 0.9)
 * @param learningRate fixed learning rate
 * @param batchSize training batch size
 * @param maxEpochs upper bound on epochs
 * @param patience epochs without a validation-loss improvement before stopping
 * @param seed seed of weight initialization and batch order
 */
public record Hyperparameters(
    String optimizer, double learningRate, int batchSize, int maxEpochs, int patience, long seed) {
  public Hyperparameters {
    Preconditions.checkArgument(
        "adam".equals(optimizer) || "sgd".equals(optimizer),
        "optimizer must be adam or sgd, but was %s",
        optimizer);
    Preconditions.checkArgument(
        learningRate > 0 && Double.isFinite(learningRate),
        "learningRate must be > 0, but was %s",
        learningRate);
    Preconditions.checkArgument(batchSize > 0, "batchSize must be > 0, but was %s", batchSize);
    Preconditions.checkArgument(maxEpochs > 0, "maxEpochs must be > 0, but was %s", maxEpochs);
    Preconditions.checkArgument(patience > 0, "patience must be > 0, but was %s", patience);
  }

  /** Adam, 1e-3, batch 64, at most 10 epochs, patience 3, seed 42. */
  public static Hyperparameters defaults() {
    return new Hyperparameters("adam", 1e-3, 64, 10, 3, 42);
  }

  public Hyperparameters withMaxEpochs(int value) {
    return new Hyperparameters(optimizer, learningRate, batchSize, value, patience, seed);
  }

  public Hyperparameters withLearningRate(double value) {
    return new Hyperparameters(optimizer, value, batchSize, maxEpochs, patience, seed);
  }

  public Hyperparameters withBatchSize(int value) {
    return new Hyperparameters(optimizer, learningRate, value, maxEpochs, patience, seed);
  }

  public Hyperparameters withPatience(int value) {
    return new Hyperparameters(optimizer, learningRate, batchSize, maxEpochs, value, seed);
  }

  public Hyperparameters withSeed(long value) {
    return new Hyperparameters(optimizer, learningRate, batchSize, maxEpochs, patience, value);
  }
}
