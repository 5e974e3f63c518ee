package io.flnas.space;

import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the choice vector of an architecture of a {@link ChoiceSpace} by its content hash: every
 * architecture of the space for one input and class count is built and hashed once, on first
 * use. Exact whatever the space's structure (a block that vanishes for one option, say), and
 * cheap for the tabular benchmarks' spaces (15,625 and 6,561 networks).
 */
final class ChoiceIndex {
  private record Key(Shape input, int numClasses) {}

  private final ChoiceSpace space;
  private final Map<Key, Map<String, Long>> byInput = new ConcurrentHashMap<>();

  ChoiceIndex(ChoiceSpace space) {
    this.space = space;
  }

  Optional<int[]> choices(Architecture architecture) {
    Map<String, Long> index = byInput.computeIfAbsent(
        new Key(architecture.input(), architecture.numClasses()), this::build);
    Long at = index.get(architecture.hash());
    return at == null ? Optional.empty() : Optional.of(space.choicesAt(at));
  }

  private Map<String, Long> build(Key key) {
    Map<String, Long> index = new HashMap<>();
    for (long i = 0; i < space.size(); i++) {
      index.put(space.architecture(space.choicesAt(i), key.input(), key.numClasses()).hash(), i);
    }
    return index;
  }
}
