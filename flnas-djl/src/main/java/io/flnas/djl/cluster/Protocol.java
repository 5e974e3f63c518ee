package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.flnas.FlNasException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * The coordinator's side of the wire protocol: requests as JSON in a signed envelope bound to their
 * target and time, replies read only after their signature, their nonce and the member they name
 * check out, and what a failure means (a lost worker or not). {@link RequestGate} is the worker's
 * side of the envelope.
 */
final class Protocol {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Protocol() {}

  /**
   * What binds a request to one member and one moment, so that a copy of it is worth nothing
   * anywhere else: a worker refuses it when it names another member, when its time is outside the
   * worker's window, or when its nonce was seen before. The nonce is also the challenge a member
   * must answer to count as a worker: its signed reply echoes the nonce and names its own UUID,
   * which without the secret it cannot produce.
   *
   * @param nonce 32 random bytes, hex
   * @param to the UUID of the member the request is for
   * @param from the UUID of the coordinator that sends it, for the worker's log
   * @param time when it was sent, by the coordinator's clock
   */
  record Envelope(String nonce, UUID to, UUID from, Instant time) {
    static Envelope fresh(Member target, UUID from, Clock clock) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      return new Envelope(HexFormat.of().formatHex(bytes), target.getUuid(), from, clock.instant());
    }
  }

  /** A request of {@code kind} ({@code check} or {@code trial}) with the spec and fingerprint. */
  static ObjectNode request(
      String kind, Envelope envelope, WorkSpec spec, Map<String, String> fingerprint) {
    ObjectNode request = JSON.createObjectNode();
    request.put("kind", kind);
    request.put("nonce", envelope.nonce());
    request.put("to", envelope.to().toString());
    request.put("from", envelope.from().toString());
    request.put("time", envelope.time().toEpochMilli());
    try {
      request.set("spec", JSON.readTree(spec.toJson()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode fp = request.putObject("fingerprint");
    fingerprint.forEach(fp::put);
    return request;
  }

  /**
   * Reads a worker's reply after checking its signature, that it answers this request (its nonce)
   * and that it comes from the member the request went to (the member it names), so a forged,
   * replayed or relayed result is rejected.
   */
  static JsonNode readReply(Signed reply, Envelope envelope, ClusterSecret secret, String where) {
    if (!reply.verifiedBy(secret)) {
      throw new FlNasException(
          "the reply of "
              + where
              + " has a missing or wrong HMAC signature;"
              + " it was rejected (is the worker using another cluster secret?)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(reply.message());
    } catch (IOException e) {
      throw new FlNasException("the reply of " + where + " is not JSON: " + e.getMessage(), e);
    }
    if (!envelope.nonce().equals(node.path("nonce").asText())) {
      throw new StaleReplyException(
          "the reply of " + where + " answers another request;" + " rejected");
    }
    if (!envelope.to().toString().equals(node.path("member").asText())) {
      throw new FlNasException(
          "the reply of "
              + where
              + " names another member ("
              + node.path("member").asText()
              + "); rejected");
    }
    return node;
  }

  static boolean isLost(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof MemberLeftException
          || e instanceof TargetNotMemberException
          || e instanceof HazelcastInstanceNotActiveException) {
        return true;
      }
    }
    return false;
  }

  /** A worker that has passed its challenge: its name and address. */
  static String describe(Member member) {
    String name = member.getAttribute(ClusterSettings.NAME);
    return (name == null ? "member" : name) + " (" + address(member) + ")";
  }

  /**
   * A member that has not proven anything: its address first, its claimed name as a claim, since
   * any member may call itself anything.
   */
  static String describeStranger(Member member) {
    String name = member.getAttribute(ClusterSettings.NAME);
    return "member at "
        + address(member)
        + (name == null ? "" : " calling itself '" + printable(name) + "'");
  }

  static String address(Member member) {
    var address = member.getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  /** Text from the network made safe for one log line: printable ASCII, at most 80 chars. */
  static String printable(String text) {
    return printable(text, 80);
  }

  /** Text from the network made safe for one log line: printable ASCII, at most {@code max}. */
  static String printable(String text, int max) {
    String clean = text.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() > max ? clean.substring(0, max) + "..." : clean;
  }

  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
