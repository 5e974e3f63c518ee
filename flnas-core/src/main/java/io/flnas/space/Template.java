package io.flnas.space;

import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import java.util.Optional;

/**
 * The format a designer must follow: renders an architecture as text for a prompt, tells a model
 * the exact output format, and parses a reply back into an {@link Architecture}. A reply is data:
 * parsing only ever builds {@link io.flnas.arch.Layer} values, nothing is executed.
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

  /** A JSON schema of the answer, for models that support structured output. */
  default Optional<String> jsonSchema() {
    return Optional.empty();
  }
}
