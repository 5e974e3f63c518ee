package io.flnas.search.design;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a designer proposes for one slot: an architecture and, for LLM designers, the exchanges
 * behind it; or, in a batch, a failure to design that slot (the other slots of the batch stand).
 */
public final class Proposal {
  private final Architecture architecture;
  private final List<Exchange> exchanges;
  private final String failure;

  public Proposal(Architecture architecture, List<Exchange> exchanges) {
    Preconditions.checkArgument(architecture != null, "architecture must not be null");
    this.architecture = architecture;
    this.exchanges = List.copyOf(exchanges);
    this.failure = null;
  }

  private Proposal(String failure, List<Exchange> exchanges) {
    this.architecture = null;
    this.exchanges = List.copyOf(exchanges);
    this.failure = failure;
  }

  public static Proposal of(Architecture architecture) {
    return new Proposal(architecture, List.of());
  }

  /** A slot of a batch that could not be designed, and why. */
  public static Proposal failed(String reason, List<Exchange> exchanges) {
    Preconditions.checkArgument(reason != null && !reason.isBlank(), "reason must not be blank");
    return new Proposal(reason, exchanges);
  }

  /** The proposed architecture; throws for a failed slot. */
  public Architecture architecture() {
    Preconditions.checkState(architecture != null, "no architecture: %s", failure);
    return architecture;
  }

  public List<Exchange> exchanges() {
    return exchanges;
  }

  /** Why the slot could not be designed; empty for a proposal. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Proposal p
        && Objects.equals(architecture, p.architecture)
        && exchanges.equals(p.exchanges)
        && Objects.equals(failure, p.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(architecture, exchanges, failure);
  }

  @Override
  public String toString() {
    return failure == null
        ? "Proposal[" + architecture.summary() + "]"
        : "Proposal[failed: " + failure + "]";
  }

  /** The message of a failure, as a failed slot records it, or its type when it has none. */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
