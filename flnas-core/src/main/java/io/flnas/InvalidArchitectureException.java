package io.flnas;

import io.flnas.arch.Violation;
import java.util.List;

/** An architecture that breaks the search space, the shape rules, or a hard budget. */
public class InvalidArchitectureException extends FlNasException {
  private final List<Violation> violations;

  public InvalidArchitectureException(List<Violation> violations) {
    super("invalid architecture: " + Violation.join(violations));
    this.violations = List.copyOf(violations);
  }

  /** The rules broken, each naming the layer, the rule and the value. */
  public List<Violation> violations() {
    return violations;
  }
}
