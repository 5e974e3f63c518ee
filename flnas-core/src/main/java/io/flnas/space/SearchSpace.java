package io.flnas.space;

import com.google.common.hash.Hashing;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.arch.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * The architectures a search may propose ("Choices" in the paper). A space validates an
 * architecture into a list of {@link Violation}s, describes itself as prompt text, samples a random
 * valid architecture and mutates one for the evolutionary baseline. The paper's layer-wise CNN
 * space is one implementation ({@link LayerwiseSpace}, built with {@link #builder()} or taken from
 * {@link SearchSpaces}); a researcher's cell- or block-based space is another, plugged in with
 * {@code Search.builder(problem, evaluator).space(mySpace)}.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.builder().convLayers(2, 8).filters(16, 32, 64).build();
 * List<Violation> problems = space.validate(architecture);
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe; every source of randomness is the {@link
 * Random} passed in, so a seeded search stays reproducible.
 */
public interface SearchSpace {

  /** A builder of the paper's layer-wise CNN space ({@link LayerwiseSpace}) with its defaults. */
  static LayerwiseSpace.Builder builder() {
    return LayerwiseSpace.builder();
  }

  /**
   * Every rule the architecture breaks, each naming the layer, the rule and the offending value.
   * Empty means valid. The search rejects a proposal with violations before training it, and an LLM
   * designer shows them to the model when it re-asks.
   */
  List<Violation> validate(Architecture architecture);

  /** The space as prompt text, one line per choice; a designer shows it to the model. */
  String describe();

  /**
   * A random valid architecture for the given input and classes.
   *
   * @throws io.flnas.DesignerException if the space cannot produce one (choices that cannot fit the
   *     input, say)
   */
  Architecture sample(Random random, Shape input, int numClasses);

  /**
   * A valid neighbour of {@code parent}, different from it, for the evolutionary baseline. The
   * default draws a fresh {@link #sample} (evolution then behaves like random search); override it
   * with small edits.
   */
  default Architecture mutate(Architecture parent, Random random) {
    return sample(random, parent.input(), parent.numClasses());
  }

  /**
   * A stable fingerprint of the space's settings, written to journal headers so a journal is not
   * resumed under another space. The default hashes {@link #describe()} (the first 16 hex digits of
   * its SHA-256), which suffices when the description names every setting.
   */
  default String fingerprint() {
    return Hashing.sha256()
        .hashString(describe(), StandardCharsets.UTF_8)
        .toString()
        .substring(0, 16);
  }
}
