package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flnas.search.promote.RungEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Optional;

/**
 * A rung of successive halving on the wire. The coordinator keeps every rung's weights: a rung's
 * request carries the weights of the rung before (Base64, inside the signed request), and its reply
 * the weights it saved, which the coordinator writes where the rung asked. So the next rung runs on
 * any worker and is still an exact continuation (the checkpoint holds Adam's state and the
 * training's progress), and a worker lost mid-rung loses that rung's attempt only.
 */
final class RungWire {
  private RungWire() {}

  /** The coordinator's side: the rung, with the weights it continues from. */
  static ObjectNode request(RungEvaluator.Rung rung) throws IOException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("index", rung.index()).put("epochs", rung.epochs());
    if (rung.from().isPresent()) {
      node.put("from", Base64.getEncoder().encodeToString(Files.readAllBytes(rung.from().get())));
    }
    return node;
  }

  /** The coordinator's side: writes the weights a reply returned to where the rung keeps them. */
  static void keep(JsonNode reply, RungEvaluator.Rung rung) throws IOException {
    if (!reply.hasNonNull("weights")) {
      throw new IOException("the reply holds no weights");
    }
    byte[] weights = Base64.getDecoder().decode(reply.get("weights").asText());
    Path aside = rung.to().resolveSibling(rung.to().getFileName() + ".part");
    Files.write(aside, weights);
    Files.move(
        aside, rung.to(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The worker's side: the rung with its weights in temporary files. */
  static Worker unpack(JsonNode node) throws IOException {
    Path folder = Files.createTempDirectory("flnas-rung");
    Optional<Path> from = Optional.empty();
    if (node.hasNonNull("from")) {
      from =
          Optional.of(
              Files.write(
                  folder.resolve("from.params"),
                  Base64.getDecoder().decode(node.get("from").asText())));
    }
    int index = node.path("index").asInt(-1);
    int epochs = node.path("epochs").asInt(-1);
    if (index < 0 || epochs < 1 || (index > 0) != from.isPresent()) {
      throw new IllegalArgumentException(
          "a malformed rung: index "
              + index
              + ", epochs "
              + epochs
              + (from.isPresent() ? ", with weights" : ", without weights"));
    }
    return new Worker(
        folder, new RungEvaluator.Rung(index, epochs, from, folder.resolve("to.params")));
  }

  /** A rung on a worker, its weights in {@code folder}. */
  record Worker(Path folder, RungEvaluator.Rung rung) {
    /** Puts the weights the rung saved into the reply. */
    void attach(ObjectNode reply) throws IOException {
      reply.put("weights", Base64.getEncoder().encodeToString(Files.readAllBytes(rung.to())));
    }

    void delete() {
      try (var files = Files.list(folder)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
        Files.deleteIfExists(folder);
      } catch (IOException e) {
        // a temporary folder left behind is harmless
      }
    }
  }
}
