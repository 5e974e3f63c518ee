package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The order in which a batch of images {@code (N, C, H, W)} lies in memory when it enters a
 * network. The shape is the same either way; only the strides differ, and PyTorch's CPU kernels
 * follow the input's order from layer to layer.
 *
 * <p>Channels-last is the evaluator's default on the CPU because oneDNN's convolutions work in it
 * natively: in channels-first order every convolution reorders its input, output and gradients into
 * a blocked layout and back, and max pooling and batch norm run their slower channels-first
 * kernels. On the reference small CNN (64x64, batch 64, Adam, 2 threads) training is about 1.2
 * times faster channels-last ({@code CostBenchmark speed}); the numbers differ only by the order of
 * floating-point sums (see {@code MemoryFormatTest}).
 */
public enum MemoryFormat {
  /** NCHW strides, PyTorch's default: what the evaluator used before, and on GPUs. */
  CHANNELS_FIRST,
  /** NHWC strides with the NCHW shape, PyTorch's {@code torch.channels_last}. */
  CHANNELS_LAST;

  /** The same images in this order. */
  public NDArray apply(NDArray images) {
    return this == CHANNELS_LAST ? channelsLast(images) : channelsFirst(images);
  }

  /**
   * {@code x.contiguous(memory_format=torch.channels_last)} in DJL's operations, which have no
   * memory-format argument: a permuted view to NHWC, a reshape that must copy into that order, and
   * views back to the NCHW shape. Differentiable.
   */
  static NDArray channelsLast(NDArray images) {
    Shape s = images.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    return images
        .transpose(0, 2, 3, 1)
        .reshape(n, h, w * c)
        .reshape(n, h, w, c)
        .transpose(0, 3, 1, 2);
  }

  /**
   * {@code x.contiguous()}: flattening all but the batch dimension copies a channels-last tensor
   * into NCHW order (and is a free view of one already in it), and the reshape back is a view.
   * Differentiable.
   */
  static NDArray channelsFirst(NDArray images) {
    Shape s = images.getShape();
    return images.reshape(s.get(0), -1).reshape(s);
  }
}
