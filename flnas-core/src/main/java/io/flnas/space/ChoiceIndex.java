package io.flnas.space;

import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the choice vector of an architecture of a {@link ChoiceSpace}: every architecture of the
 * space for one input and class count is built once, on first use, and filed under its structural
 * hash code; a look-up rebuilds the few vectors filed under the same code and compares structure.
 * Exact whatever the space's structure (a block that vanishes for one option, say), small (a map of
 * numbers, not of architectures) and cheap for the tabular benchmarks' spaces (15,625 and 6,561
 * networks).
 */
final class ChoiceIndex {
  private record Key(Shape input, int numClasses) {}

  private final ChoiceSpace space;
  private final Map<Key, Map<Integer, long[]>> byInput = new ConcurrentHashMap<>();

  ChoiceIndex(ChoiceSpace space) {
    this.space = space;
  }

  Optional<int[]> choices(Architecture architecture) {
    Map<Integer, long[]> index =
        byInput.computeIfAbsent(
            new Key(architecture.input(), architecture.numClasses()), this::build);
    long[] filed = index.get(code(architecture));
    if (filed != null) {
      for (long at : filed) {
        int[] choices = space.choicesAt(at);
        if (space
            .architecture(choices, architecture.input(), architecture.numClasses())
            .sameStructure(architecture)) {
          return Optional.of(choices);
        }
      }
    }
    return Optional.empty();
  }

  private static int code(Architecture architecture) {
    return architecture.layers().hashCode();
  }

  private Map<Integer, long[]> build(Key key) {
    Map<Integer, long[]> index = new HashMap<>();
    for (long i = 0; i < space.size(); i++) {
      long at = i;
      index.merge(
          code(space.architecture(space.choicesAt(i), key.input(), key.numClasses())),
          new long[] {at},
          (a, b) -> {
            long[] both = java.util.Arrays.copyOf(a, a.length + 1);
            both[a.length] = b[0];
            return both;
          });
    }
    return index;
  }
}
