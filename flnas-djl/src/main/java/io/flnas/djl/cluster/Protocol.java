package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.flnas.FlNasException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The coordinator's side of the wire protocol: requests as JSON, replies read only after their
 * signature and their nonce check out, and what a failure means (a lost worker or not).
 */
final class Protocol {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Protocol() {}

  /** A request of {@code kind} ({@code check} or {@code trial}) with the spec and fingerprint. */
  static ObjectNode request(String kind, String nonce, WorkSpec spec,
      Map<String, String> fingerprint) {
    ObjectNode request = JSON.createObjectNode();
    request.put("kind", kind);
    request.put("nonce", nonce);
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
   * Reads a worker's reply after checking its signature and that it answers this request (its
   * nonce), so a forged or replayed result is rejected.
   */
  static JsonNode readReply(Signed reply, String nonce, ClusterSecret secret, String where) {
    if (!reply.verifiedBy(secret)) {
      throw new FlNasException("the reply of " + where + " has a missing or wrong HMAC signature;"
          + " it was rejected (is the worker using another cluster secret?)");
    }
    try {
      JsonNode node = JSON.readTree(reply.message());
      if (!nonce.equals(node.path("nonce").asText())) {
        throw new StaleReplyException("the reply of " + where + " answers another request;"
            + " rejected");
      }
      return node;
    } catch (IOException e) {
      throw new FlNasException("the reply of " + where + " is not JSON: " + e.getMessage(), e);
    }
  }

  static boolean isLost(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof MemberLeftException || e instanceof TargetNotMemberException
          || e instanceof HazelcastInstanceNotActiveException) {
        return true;
      }
    }
    return false;
  }

  static String describe(Member member) {
    String name = member.getAttribute(ClusterSettings.NAME);
    var address = member.getAddress();
    return (name == null ? "member" : name) + " (" + address.getHost() + ":" + address.getPort()
        + ")";
  }

  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  /** Checks one worker's signature and fingerprint; the refusal, if it refuses. */
  static Optional<String> check(IExecutorService trials, Member worker, ClusterSecret secret,
      WorkSpec spec, Map<String, String> fingerprint, Duration timeout) {
    String where = describe(worker);
    for (int attempt = 1; ; attempt++) {
      String nonce = UUID.randomUUID().toString();
      ObjectNode request = request("check", nonce, spec, fingerprint);
      try {
        String reply = trials.submitToMember(new TrialCall(Signed.by(secret, request.toString())),
            worker).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        JsonNode node = readReply(TrialCall.parseReply(reply), nonce, secret, where);
        return node.hasNonNull("refused")
            ? Optional.of(where + " refused: " + node.get("refused").asText()) : Optional.empty();
      } catch (StaleReplyException e) {
        if (attempt >= 5) {
          return Optional.of(e.getMessage());
        }
      } catch (ExecutionException e) {
        return Optional.of(where + " refused: " + rootMessage(e));
      } catch (TimeoutException e) {
        return Optional.of(where + " did not answer within " + timeout.toSeconds() + " s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlNasException("interrupted while checking workers", e);
      } catch (FlNasException e) {
        return Optional.of(e.getMessage());
      }
    }
  }
}
