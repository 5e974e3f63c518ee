package io.flnas.search.screen;

import io.flnas.arch.Architecture;
import io.flnas.search.Search;

/**
 * A zero-cost proxy: scores an architecture at initialization, without training, so that a search
 * can {@linkplain Search.Builder#prescreen pre-screen} a batch of proposals and train only the
 * best-scoring ones. Higher is better. A score must be a deterministic function of the architecture
 * (and the scorer's own settings, seed included), so that a resumed search keeps what an
 * uninterrupted one would; it may be {@code -Infinity} for a degenerate network. The search calls
 * it on its own thread, one candidate at a time.
 *
 * <pre>{@code
 * ProxyScorer byParameters = architecture -> Math.log(Cost.of(architecture).parameters());
 * }</pre>
 */
@FunctionalInterface
public interface ProxyScorer {

  /** The proxy score of a valid architecture; higher is better, never NaN. */
  double score(Architecture architecture);

  /**
   * A name with the settings that decide the scores, e.g. {@code naswot(batch=64 seed=42)}; part of
   * the configuration fingerprint of a search that pre-screens.
   */
  default String name() {
    return getClass().getSimpleName();
  }
}
