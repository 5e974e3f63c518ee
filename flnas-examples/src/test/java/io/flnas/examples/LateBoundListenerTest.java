package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.search.SearchListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LateBoundListenerTest {
  @Test
  void passes_on_the_events_after_it_is_bound_and_is_bound_once() {
    List<String> seen = new ArrayList<>();
    SearchListener report =
        new SearchListener() {
          @Override
          public void trialStarted(int iteration) {
            seen.add("started " + iteration);
          }
        };
    LateBoundListener slot = new LateBoundListener();

    slot.trialStarted(1);
    slot.bind(report);
    slot.trialStarted(2);

    assertThat(seen).containsExactly("started 2");
    assertThatThrownBy(() -> slot.bind(new SearchListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("already bound to");
  }
}
