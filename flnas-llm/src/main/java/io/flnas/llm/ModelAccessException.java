package io.flnas.llm;

import io.flnas.SearchAbortedException;

/**
 * The model provider refused access (authentication failed, model unknown). It aborts the search at
 * once, since every later request would fail the same way. The message never contains the key.
 */
public class ModelAccessException extends SearchAbortedException {
  public ModelAccessException(String message) {
    super(message);
  }
}
