package io.flnas.djl.data;

import io.flnas.FlNasException;

/** Bad or missing data: the message names the file, the row and the field or value. */
public class DataException extends FlNasException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
