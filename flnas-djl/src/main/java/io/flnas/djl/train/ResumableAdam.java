package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import com.google.common.base.Preconditions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DJL's {@link ai.djl.training.optimizer.Adam} (the same update through the same fused kernel, the
 * same defaults: beta1 0.9, beta2 0.999, epsilon 1e-8), whose moment estimates and step count can
 * be read and set. DJL keeps Adam's state private, so a successive-halving rung that continues a
 * trial's weights would restart Adam: zero moments and step 1, whose bias correction makes the
 * first step move every weight by about the learning rate whatever its gradient, a kick to a
 * network that has already trained. With this, a rung continues the optimizer as well ({@link
 * Checkpoints}).
 */
final class ResumableAdam extends Optimizer {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;

  private final ParameterTracker learningRate;
  private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
  private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();
  private volatile int steps;

  /** Adam at {@code stepsBefore} steps (0 for a fresh start), its moments zero until set. */
  ResumableAdam(ParameterTracker learningRate, int stepsBefore) {
    super(new Builder().optBeginNumUpdate(stepsBefore));
    this.learningRate = learningRate;
    this.steps = stepsBefore;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    int t = updateCount(parameterId);
    steps = t;
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    float rate = learningRate.getNewValue(parameterId, t);
    float corrected = (float) (rate * Math.sqrt(coef2) / coef1);
    float weightDecay = getWeightDecay();
    Preconditions.checkArgument(
        Float.isFinite(corrected) && Float.isFinite(weightDecay),
        "learning rate %s or weight decay %s is not finite",
        corrected,
        weightDecay);
    NDList inputs =
        new NDList(
            weight,
            grad,
            withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike()),
            withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike()));
    weight
        .getNDArrayInternal()
        .adamUpdate(
            inputs,
            new NDList(weight),
            rate,
            corrected,
            weightDecay,
            rescaleGrad,
            clipGrad,
            BETA1,
            BETA2,
            EPSILON,
            true,
            false);
  }

  /** Steps taken, those before this instance included. */
  int steps() {
    return steps;
  }

  /** The first and second moment estimates of a parameter, once it has been updated. */
  Optional<NDList> moments(String parameterId, Device device) {
    NDArray mean = means.getOrDefault(parameterId, Map.of()).get(device);
    NDArray variance = variances.getOrDefault(parameterId, Map.of()).get(device);
    return mean == null || variance == null
        ? Optional.empty()
        : Optional.of(new NDList(mean, variance));
  }

  /** Sets a parameter's moment estimates; the arrays become this optimizer's. */
  void restore(String parameterId, Device device, NDArray mean, NDArray variance) {
    means.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>()).put(device, mean);
    variances.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>()).put(device, variance);
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
