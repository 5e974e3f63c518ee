package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar tensors whose memory libtorch owns, for every operation that autograd may remember until
 * the backward pass; use them instead of DJL's {@code NDArray} operations with a {@link Number}
 * argument ({@code mul(Number)}, {@code minimum(Number)}, ...) in anything that trains.
 *
 * <p>Why: on the CPU, DJL's PyTorch engine creates an array from Java data ({@code
 * manager.create(6f)}, which every {@code Number} operation does for its argument) without a copy:
 * the libtorch tensor points into a Java direct buffer that lives only as long as the Java array
 * object. {@code x.mul(1f)} creates such a scalar, multiplies and closes it at once; autograd,
 * which saved the scalar for the backward pass ({@code MulBackward}, {@code MinimumBackward}),
 * still points at the buffer, which the JVM frees (C {@code free}, which writes its own list
 * pointers into it) when a garbage collection happens to run before the backward pass. The gradient
 * then uses whatever lies there. DJL's SiLU ({@code Activation.swish}: {@code x * sigmoid(x *
 * beta)}) and ReLU6 ({@code minimum(6, relu(x))}) are built that way. That was the evaluator's rare
 * nondeterminism (issue 20): a training differed from the others with the same seed only when a
 * collection fell between a step's forward and backward pass, a few runs in a few hundred, more
 * often under CPU load (which moves the collector's timing), once as a NaN loss; a collection
 * forced there changed the gradients of every step, once by 8.5e12. A tensor from {@link
 * NDManager#full} is allocated by libtorch and reference-counted, so autograd's copy of the
 * reference keeps it alive whatever happens to the Java handle.
 */
public final class NativeScalar {
  private NativeScalar() {}

  /**
   * A 0-dimensional tensor of {@code value} in {@code like}'s manager, data type and device,
   * allocated by libtorch (never backed by Java memory).
   */
  public static NDArray of(NDArray like, float value) {
    return of(like.getManager(), like, value);
  }

  /** {@link #of(NDArray, float)} in {@code manager}. */
  public static NDArray of(NDManager manager, NDArray like, float value) {
    return manager.full(new Shape(), value, like.getDataType()).toDevice(like.getDevice(), false);
  }
}
