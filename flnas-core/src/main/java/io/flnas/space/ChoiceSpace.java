package io.flnas.space;

import io.flnas.DesignerException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A search space that is a fixed number of positions, each with a fixed set of options: a cell's
 * edges and their operations (NAS-Bench-201), a network's searchable layers and their blocks
 * (NAS-Bench-Macro). Every architecture of the space is one choice vector and every choice vector
 * one architecture, so designers can search the vectors (mutate one position, fit a model on
 * one-hot features) and still propose ordinary {@link Architecture}s that the templates render, the
 * space checks, {@code Cost} computes and an evaluator trains.
 *
 * <p>Implementations define {@link #options()}, {@link #architecture} and {@link #choices}; this
 * interface derives validation, sampling and mutation from them.
 */
public interface ChoiceSpace extends SearchSpace {

  /** The number of options of each position, in order. */
  List<Integer> options();

  /** The names of the options of position {@code position}, for descriptions and plots. */
  List<String> optionNames(int position);

  /** The architecture of a choice vector, for the given input and classes. */
  Architecture architecture(int[] choices, Shape input, int numClasses);

  /** The choice vector of an architecture of this space, or empty when it is not one. */
  Optional<int[]> choices(Architecture architecture);

  /** The number of architectures in the space. */
  default long size() {
    return options().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
  }

  /** A choice vector as one number (mixed radix, position 0 most significant). */
  default long index(int[] choices) {
    long index = 0;
    List<Integer> options = options();
    for (int i = 0; i < choices.length; i++) {
      index = index * options.get(i) + choices[i];
    }
    return index;
  }

  /** The choice vector of {@link #index}. */
  default int[] choicesAt(long index) {
    List<Integer> options = options();
    int[] choices = new int[options.size()];
    for (int i = options.size() - 1; i >= 0; i--) {
      choices[i] = (int) (index % options.get(i));
      index /= options.get(i);
    }
    return choices;
  }

  @Override
  default List<Violation> validate(Architecture architecture) {
    if (choices(architecture).isPresent()) {
      return List.of();
    }
    return List.of(
        new Violation(
            "architecture",
            "must be one of the "
                + size()
                + " networks of "
                + this
                + " for input "
                + architecture.input()
                + " and "
                + architecture.numClasses()
                + " classes ("
                + describe().lines().findFirst().orElse("")
                + ")",
            architecture.summary()));
  }

  /** Each position drawn uniformly from its options. */
  @Override
  default Architecture sample(Random random, Shape input, int numClasses) {
    List<Integer> options = options();
    int[] choices = new int[options.size()];
    for (int i = 0; i < choices.length; i++) {
      choices[i] = random.nextInt(options.get(i));
    }
    return architecture(choices, input, numClasses);
  }

  /** One position, drawn uniformly, set to another of its options, drawn uniformly. */
  @Override
  default Architecture mutate(Architecture parent, Random random) {
    int[] choices =
        choices(parent)
            .orElseThrow(
                () ->
                    new DesignerException(
                        "cannot mutate an architecture outside " + this + ": " + parent.summary()))
            .clone();
    List<Integer> options = options();
    int position = random.nextInt(choices.length);
    int other = random.nextInt(options.get(position) - 1);
    choices[position] = other >= choices[position] ? other + 1 : other;
    return architecture(choices, parent.input(), parent.numClasses());
  }

  /** A choice vector as text, e.g. {@code [2, 0, 1]}. */
  static String text(int[] choices) {
    return Arrays.toString(choices);
  }
}
