package io.flnas.djl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyBenchmarkTest {

  @Test
  void spearman_is_one_for_a_monotone_relation_and_minus_one_for_a_reversed_one() {
    List<Double> x = List.of(1.0, 2.0, 3.0, 4.0, 5.0);

    assertThat(ProxyBenchmark.spearman(x, List.of(1.0, 4.0, 9.0, 16.0, 25.0)))
        .isCloseTo(1.0, within(1e-12));
    assertThat(ProxyBenchmark.spearman(x, List.of(5.0, 4.0, 3.0, 2.0, 1.0)))
        .isCloseTo(-1.0, within(1e-12));
  }

  @Test
  void spearman_gives_tied_values_their_average_rank() {
    // ranks of x: 1, 2.5, 2.5, 4 (a -Infinity proxy score ties with another)
    List<Double> x = List.of(Double.NEGATIVE_INFINITY, 0.0, 0.0, 3.0);
    List<Double> y = List.of(0.1, 0.2, 0.3, 0.4);

    assertThat(ProxyBenchmark.spearman(x, y)).isCloseTo(4.5 / Math.sqrt(4.5 * 5), within(1e-12));
  }
}
