package io.flnas.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu and He, 2018) with a learnable scale and shift per channel; DJL has no
 * built-in one. With one group it is the core's layer norm, with one group per channel its instance
 * norm. Works on feature maps {@code (N, C, H, W)} and vectors {@code (N, C)}.
 */
public final class GroupNormBlock extends AbstractBlock {
  private static final float EPSILON = 1e-5f;

  private final int groups;
  private final int channels;
  private final Parameter gamma;
  private final Parameter beta;

  public GroupNormBlock(int groups, int channels) {
    if (groups <= 0 || channels % groups != 0) {
      throw new IllegalArgumentException(
          "groups (" + groups + ") must divide channels (" + channels + ")");
    }
    this.groups = groups;
    this.channels = channels;
    gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .build());
    beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device device = x.getDevice();
    Shape shape = x.getShape();
    NDArray grouped = x.reshape(shape.get(0), groups, -1);
    NDArray mean = grouped.mean(new int[] {2}, true);
    NDArray centered = grouped.sub(mean);
    NDArray variance = centered.square().mean(new int[] {2}, true);
    // epsilon as a libtorch-owned scalar: a Java-backed one ({@code add(Number)}) can be freed
    // while the graph still refers to it (NativeScalar)
    NDArray normalized =
        centered.div(variance.add(NativeScalar.of(x, EPSILON)).sqrt()).reshape(shape);
    long[] broadcast = new long[shape.dimension()];
    java.util.Arrays.fill(broadcast, 1);
    broadcast[1] = channels;
    Shape affine = new Shape(broadcast);
    NDArray g = store.getValue(gamma, device, training).reshape(affine);
    NDArray b = store.getValue(beta, device, training).reshape(affine);
    return new NDList(normalized.mul(g).add(b));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public String toString() {
    return "GroupNorm(" + groups + ", " + channels + ")";
  }
}
