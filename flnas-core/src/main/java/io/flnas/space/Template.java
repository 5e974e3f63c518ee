package io.flnas.space;

import com.google.common.base.Preconditions;
import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The format a designer must follow: renders an architecture as text for a prompt, tells a model
 * the exact output format, and parses a reply back into an {@link Architecture}, or several from
 * one reply. A reply is data: parsing only ever builds {@link io.flnas.arch.Layer} values, nothing
 * is executed.
 *
 * <p>Ready-made: {@link Templates#json()} and {@link Templates#pytorch()}.
 */
public interface Template {

  /** Short name for journals and the command line ({@code json}, {@code pytorch}). */
  String name();

  /** The architecture in this template's format. */
  String render(Architecture architecture);

  /** Instructions that tell a model exactly what to answer, for the given data frame. */
  String formatInstructions(Shape input, int numClasses);

  /**
   * Reads a reply. Tolerates what real models emit: markdown fences, prose before and after, single
   * quotes and trailing commas.
   *
   * @throws TemplateParseException with a message precise enough to send back to the model
   */
  Architecture parse(String reply, Shape input, int numClasses);

  /**
   * Instructions for answering with {@code count} different architectures at once; for one, the
   * single instructions. The default asks for one fenced block per architecture, each in the single
   * format, which {@link #parseAll} reads.
   */
  default String formatInstructions(Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return formatInstructions(input, numClasses);
    }
    return "Answer with exactly "
        + count
        + " different architectures and nothing else, each in"
        + " its own ``` fenced block, one block after another. Inside each block:\n"
        + formatInstructions(input, numClasses);
  }

  /**
   * Reads a reply that should hold {@code count} architectures, as asked for by {@link
   * #formatInstructions(Shape, int, int)}. The answer has exactly {@code count} items in the
   * reply's order: an item that could not be read carries its own error and the others stand.
   * Architectures beyond {@code count} are ignored; missing ones are items with an error.
   *
   * @throws TemplateParseException when nothing in the reply can be read as an architecture (for
   *     {@code count} 1, whenever {@link #parse} throws)
   */
  default List<Parsed> parseAll(String reply, Shape input, int numClasses, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    if (count == 1) {
      return List.of(Parsed.of(1, parse(reply, input, numClasses)));
    }
    List<String> blocks = Replies.fencedBlocks(reply == null ? "" : reply);
    if (blocks.isEmpty()) {
      throw new TemplateParseException(
          "no ``` fenced block found in the reply; answer with "
              + count
              + " fenced blocks, one architecture in each");
    }
    return Parsed.each(blocks, count, block -> parse(block, input, numClasses));
  }

  /** A JSON schema of the answer, for models that support structured output. */
  default Optional<String> jsonSchema() {
    return Optional.empty();
  }

  /** A JSON schema of an answer with {@code count} architectures; the default has one for 1. */
  default Optional<String> jsonSchema(int count) {
    return count == 1 ? jsonSchema() : Optional.empty();
  }

  /**
   * One architecture of a reply that should hold several: read, or why not.
   *
   * @param position the 1-based place of the architecture in the reply
   * @param architecture the architecture, when it could be read
   * @param reason why it could not be read, precise enough to send back to the model
   */
  record Parsed(int position, Optional<Architecture> architecture, Optional<String> reason) {
    public Parsed {
      Preconditions.checkArgument(position > 0, "position must be > 0, but was %s", position);
      Preconditions.checkArgument(
          architecture.isPresent() != reason.isPresent(),
          "exactly one of architecture and reason, but were %s and %s",
          architecture,
          reason);
    }

    public static Parsed of(int position, Architecture architecture) {
      return new Parsed(position, Optional.of(architecture), Optional.empty());
    }

    public static Parsed failed(int position, String reason) {
      return new Parsed(position, Optional.empty(), Optional.of(reason));
    }

    /** Whether the architecture could be read. */
    public boolean read() {
      return architecture.isPresent();
    }

    /** {@code "architecture 2: <reason>"} for a failed item, {@code "architecture 2: read"}. */
    public String message() {
      return "architecture " + position + ": " + reason.orElse("read");
    }

    /**
     * Parses the first {@code count} of {@code items} one by one; a parse error stays with its
     * item, and items the reply does not hold are failed as missing.
     */
    static List<Parsed> each(List<String> items, int count, Function<String, Architecture> parser) {
      List<Parsed> parsed = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (i >= items.size()) {
          parsed.add(
              failed(
                  i + 1,
                  "missing: the reply holds "
                      + items.size()
                      + " architecture"
                      + (items.size() == 1 ? "" : "s")
                      + ", but "
                      + count
                      + " were asked for"));
          continue;
        }
        try {
          parsed.add(of(i + 1, parser.apply(items.get(i))));
        } catch (TemplateParseException | IllegalArgumentException e) {
          parsed.add(failed(i + 1, String.valueOf(e.getMessage())));
        }
      }
      return List.copyOf(parsed);
    }
  }
}
