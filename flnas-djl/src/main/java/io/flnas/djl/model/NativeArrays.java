package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Arrays whose memory libtorch owns, where DJL's PyTorch engine would otherwise leave a tensor
 * pointing into a Java direct buffer (see {@link NativeScalar} for why that is fragile: the buffer
 * lives only as long as one Java object, and the allocator reuses it the moment a garbage
 * collection frees it).
 *
 * <p>Two such places besides scalars: an array made from Java data ({@code manager.create}, {@code
 * manager.decode}) points into a Java buffer; and {@code target.copyTo}/{@code set(Buffer)} on the
 * CPU does not copy into the target's memory but replaces the target tensor's storage with a Java
 * buffer holding the values (libdjl_torch's {@code torchSet}), so a parameter restored that way is
 * read by every later forward pass and written by every optimizer step in Java memory that only its
 * {@code PtNDArray} keeps alive.
 */
public final class NativeArrays {
  private static final NDIndex ALL = new NDIndex("...");

  private NativeArrays() {}

  /**
   * Copies {@code source}'s values into {@code target}'s own memory (libtorch's {@code index_put_},
   * an element-wise copy, bit for bit), keeping the target's storage. The copy goes through a
   * detached view of the target ({@code stopGradient}, sharing its storage), as PyTorch's {@code
   * p.detach().copy_(src)}: the targets are parameters, leaves that require gradients, on which
   * libtorch refuses an in-place operation while gradients are recorded.
   */
  public static void copyInto(NDArray source, NDArray target) {
    try (NDArray view = target.stopGradient()) {
      view.set(ALL, source);
    }
  }

  /** A libtorch-owned copy of {@code array} in its manager; closes {@code array}. */
  public static NDArray owned(NDArray array) {
    NDArray copy = array.duplicate();
    array.close();
    return copy;
  }
}
