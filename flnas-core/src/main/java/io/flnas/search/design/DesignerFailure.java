package io.flnas.search.design;

import io.flnas.DesignerException;
import java.util.List;

/**
 * A {@link DesignerException} that carries the model exchanges of the failed iteration, so the
 * journal keeps every request and reply even when no valid proposal came of them.
 */
public class DesignerFailure extends DesignerException {
  private final transient List<Exchange> exchanges;

  public DesignerFailure(String message, List<Exchange> exchanges) {
    super(message);
    this.exchanges = List.copyOf(exchanges);
  }

  public DesignerFailure(String message, List<Exchange> exchanges, Throwable cause) {
    super(message, cause);
    this.exchanges = List.copyOf(exchanges);
  }

  public List<Exchange> exchanges() {
    return exchanges;
  }
}
