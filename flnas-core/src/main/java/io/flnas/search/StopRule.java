package io.flnas.search;

import java.util.List;
import java.util.Optional;

/**
 * When a search stops before its trial count: asked after every trial ends, with the ended trials
 * in trial order and the best so far. A non-empty answer is the reason; the search designs nothing
 * more, awaits the trials in flight and ends with that reason. Ready-made rules live in {@link
 * StopRules}.
 */
@FunctionalInterface
public interface StopRule {
  Optional<String> check(List<Trial> ended, Optional<Trial> best);
}
