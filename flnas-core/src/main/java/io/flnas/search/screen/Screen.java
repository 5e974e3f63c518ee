package io.flnas.search.screen;

import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Proposal;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The screening stage of a search's pipeline, between the designer and the check: it may ask the
 * designer for more candidates than there are free slots and keep the ones worth training. The
 * default, {@link #NONE}, asks for one candidate per slot and keeps it; {@link Prescreen} is the
 * zero-cost proxy screen.
 *
 * <p>A screen must be deterministic in the contexts and proposals it is given, so that a resumed
 * search keeps what an uninterrupted one would.
 */
public interface Screen {
  /** One candidate per slot, kept as proposed. */
  Screen NONE =
      new Screen() {
        @Override
        public List<DesignContext> expand(List<DesignContext> slots, long seed) {
          return slots;
        }

        @Override
        public List<Kept> select(List<Proposal> proposals, int free) {
          return proposals.stream().map(p -> new Kept(p, OptionalDouble.empty())).toList();
        }

        @Override
        public String describe() {
          return "";
        }
      };

  /** The contexts to ask the designer with, for the free slots' own contexts. */
  List<DesignContext> expand(List<DesignContext> slots, long seed);

  /**
   * At most {@code free} proposals to hand on, in proposal order, from what the designer answered
   * for {@link #expand}'s contexts; each with the score that kept it, if any.
   */
  List<Kept> select(List<Proposal> proposals, int free);

  /** For the configuration fingerprint; empty for a screen that changes nothing. */
  String describe();

  /** A kept proposal and the score that kept it (empty for a failed or invalid one). */
  record Kept(Proposal proposal, OptionalDouble score) {}
}
