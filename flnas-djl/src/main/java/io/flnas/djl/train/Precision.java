package io.flnas.djl.train;

/**
 * The number format candidates are trained and measured in ({@link DjlEvaluatorBuilder#precision}).
 */
public enum Precision {
  /** Everything in 32-bit floats: the default, and what every published figure was trained with. */
  FP32,
  /**
   * Mixed bfloat16, the "bf16 on CPUs with bfloat16 units" lever of DESIGN.md: every convolution
   * computes in bfloat16 (its input, weights and bias cast to bfloat16, its output cast back), and
   * everything else stays fp32: norms, activations, pooling, the linear layers, the loss, and the
   * parameters, their gradients and Adam's state (fp32 master weights), as PyTorch's CPU autocast
   * does. On a CPU with AVX-512 BF16 or AMX, oneDNN runs those convolutions on the bfloat16 units:
   * measured on the 64x64 small CNN on 2 cores of an AMD EPYC with {@code avx512_bf16}, 1.28 to
   * 1.34x the images per second of fp32 (CostBenchmark's {@code bf16} part) with validation
   * accuracy within half a point after 8 epochs. PyTorch's autocast gains more (2x on the same
   * machine) by keeping activations in bfloat16 between layers; here each convolution's output
   * returns to fp32, which keeps every other layer as it was.
   *
   * <p>DJL 0.36 has no bfloat16 tensor type, so the cast to bfloat16 calls libtorch directly
   * ({@code io.flnas.djl.model.Bfloat16}), which is tied to the libtorch 2.7.1 this project pins.
   * {@link DjlEvaluatorBuilder#build()} refuses BF16 with a {@link PrecisionUnavailableException}
   * that says why where the engine is another libtorch, where the CPU has neither {@code
   * avx512_bf16} nor {@code amx_bf16} (libtorch would emulate bfloat16 there, slower than fp32),
   * and on a GPU. On a GPU because that hand-made call is outside DJL's error handling: an
   * exception libtorch throws in it ends the JVM instead of failing the trial, and on a GPU a CUDA
   * out-of-memory in the cast is an everyday event that no check beforehand rules out. On the CPU
   * the one thing the cast can fail at, allocating its result, is checked before the call (see
   * {@code Bfloat16}); the cast back to fp32 is DJL's own. Making the GPU path safe would take a
   * native shim that catches C++ exceptions, which this project does not build. Trials differ from
   * fp32's by bfloat16 rounding; with the same seed they repeat exactly.
   */
  BF16
}
