package io.flnas.djl.train;

import io.flnas.FlNasException;

/**
 * A {@link Precision} the engine or the machine cannot run, e.g. {@link Precision#BF16}; the
 * message says why, naming the CPU's missing bfloat16 flags where they are missing. Catch it to
 * fall back to {@link Precision#FP32}.
 */
public class PrecisionUnavailableException extends FlNasException {
  public PrecisionUnavailableException(String message) {
    super(message);
  }
}
