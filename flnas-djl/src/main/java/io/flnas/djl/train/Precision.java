package io.flnas.djl.train;

/**
 * The number format candidates are trained and measured in ({@link DjlEvaluatorBuilder#precision}).
 */
public enum Precision {
  /** Everything in 32-bit floats: the default, and what every published figure was trained with. */
  FP32,
  /**
   * Mixed bfloat16 (convolutions and linear layers in bfloat16, fp32 master weights), the "bf16 on
   * CPUs with AMX" lever of DESIGN.md. <b>Not available yet</b>: {@link DjlEvaluatorBuilder#build()}
   * refuses it with a {@link PrecisionUnavailableException}, because DJL 0.36's PyTorch JNI has no
   * bfloat16 tensor type: its data-type mapping stops at complex64, and a cast to {@code
   * DataType.BFLOAT16} (or creating such an array) aborts the whole JVM ("terminate called without
   * an active exception") instead of throwing. The message also says whether this CPU has
   * bfloat16 units ({@link Bf16Support}), i.e. whether bf16 would pay off here once the engine
   * can express it.
   */
  BF16
}
