package io.flnas.djl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

/**
 * {@link ArchitectureBlocks} computes 1x1 convolutions with a stride as a subsample and a
 * unit-stride 1x1 convolution (oneDNN's strided 1x1 backward pass is broken); the two are the same
 * function.
 */
class Strided1x1Test {
  @Test
  void subsampling_then_a_unit_stride_1x1_convolution_equals_the_strided_one() {
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int[] case_ : new int[][] {{2, 0, 16}, {2, 1, 16}, {3, 0, 7}, {2, 0, 9}, {4, 2, 10}}) {
        int stride = case_[0];
        int padding = case_[1];
        int size = case_[2];
        NDArray x = manager.randomNormal(new Shape(2, 3, size, size));
        NDArray w = manager.randomNormal(new Shape(5, 3, 1, 1));
        NDArray strided =
            Conv2d.conv2d(
                    x,
                    w,
                    null,
                    new Shape(stride, stride),
                    new Shape(padding, padding),
                    new Shape(1, 1),
                    1)
                .singletonOrThrow();
        NDArray ours =
            Conv2d.conv2d(
                    ArchitectureBlocks.subsample(x, stride, padding),
                    w,
                    null,
                    new Shape(1, 1),
                    new Shape(0, 0),
                    new Shape(1, 1),
                    1)
                .singletonOrThrow();
        assertThat(ours.getShape())
            .as("stride %s padding %s size %s", stride, padding, size)
            .isEqualTo(strided.getShape());
        float[] a = strided.toFloatArray();
        float[] b = ours.toFloatArray();
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i]).isCloseTo(a[i], within(1e-5f));
        }
      }
    }
  }
}
