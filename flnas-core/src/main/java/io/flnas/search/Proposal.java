package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import java.util.List;

/** What a designer proposes: an architecture and, for LLM designers, the exchanges behind it. */
public record Proposal(Architecture architecture, List<Exchange> exchanges) {
  public Proposal {
    Preconditions.checkArgument(architecture != null, "architecture must not be null");
    exchanges = List.copyOf(exchanges);
  }

  public static Proposal of(Architecture architecture) {
    return new Proposal(architecture, List.of());
  }
}
