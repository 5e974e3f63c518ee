package io.flnas.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Conv2d} that computes in bfloat16 and keeps fp32 everywhere else: the input, the weights
 * and the bias are cast to bfloat16 for the convolution ({@link Bfloat16}), its output is cast back
 * to fp32 for the norm, activation and loss that follow, and the parameters, their gradients and
 * the optimizer state stay fp32 (PyTorch's CPU autocast also keeps the activations between layers
 * in bfloat16, which gains more and changes every layer). On a CPU with bfloat16 units (AVX-512
 * BF16 or AMX) oneDNN runs the bfloat16 convolution on them.
 *
 * <p>Parameters, shapes and initialization are {@link Conv2d}'s, in the same order (DJL names them
 * after the class, {@code 01Bf16Conv2d_weight} for {@code 01Conv2d_weight}), so weights saved from
 * one load into the other: both DJL's and the rung checkpoints go by position.
 */
final class Bf16Conv2d extends Conv2d {
  private Bf16Conv2d(Builder builder) {
    super(builder);
  }

  /** Like {@link Conv2d#builder()}, building a {@link Bf16Conv2d}. */
  static Builder bf16Builder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    Device device = input.getDevice();
    NDArray weights = parameterStore.getValue(weight, device, training);
    NDArray biases = bias == null ? null : parameterStore.getValue(bias, device, training);
    // The copies of the parameters live as long as this batch's input, not as the model.
    NDManager batch = input.getManager();
    NDArray output =
        Conv2d.conv2d(
                Bfloat16.of(input, batch),
                Bfloat16.of(weights, batch),
                biases == null ? null : Bfloat16.of(biases, batch),
                stride,
                padding,
                dilation,
                groups)
            .singletonOrThrow();
    return new NDList(Bfloat16.toFloat(output));
  }

  /** {@link Conv2d.Builder} for a {@link Bf16Conv2d}. */
  static final class Builder extends Conv2d.Builder {
    @Override
    public Bf16Conv2d build() {
      validate();
      return new Bf16Conv2d(this);
    }
  }
}
