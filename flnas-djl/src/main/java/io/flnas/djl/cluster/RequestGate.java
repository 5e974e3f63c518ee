package io.flnas.djl.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.base.Preconditions;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The worker's side of a request's {@linkplain Protocol.Envelope envelope}: a signed request is
 * admitted only if it names this member, was sent within a short window of its arrival, and carries
 * a nonce this member has not seen. Together they make a captured request worthless: it cannot be
 * relayed to another member (it names the one it was for), replayed later (its time runs out) or
 * replayed at once (its nonce is spent).
 *
 * <p>The window is checked against the request's arrival, not the moment the worker gets to it, so
 * a check queued behind a long trial is not refused for waiting. It spans both directions (clocks
 * of two machines differ), so the two machines' clocks must agree to within it: NTP does. A nonce
 * is remembered for twice the window, which covers every moment its request could still pass the
 * time check. The memory is bounded, and only requests whose signature verified reach it, so a
 * stranger without the secret cannot fill it.
 */
final class RequestGate {
  /** The window of a worker unless told otherwise. */
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

  /** Far more signed requests than a window ever holds: a few per trial. */
  private static final int MAX_NONCES = 10_000;

  private final Duration window;
  private final Cache<String, Boolean> seen;

  RequestGate(Duration window) {
    Preconditions.checkArgument(
        !window.isNegative() && !window.isZero(), "window must be > 0, but was %s", window);
    this.window = window;
    this.seen =
        CacheBuilder.newBuilder()
            .expireAfterWrite(window.multipliedBy(2))
            .maximumSize(MAX_NONCES)
            .build();
  }

  /**
   * Admits a request whose signature has verified, or says why not.
   *
   * @param request the request's JSON
   * @param self this member's UUID
   * @param arrival when the request arrived here
   */
  Optional<String> admit(JsonNode request, UUID self, Instant arrival) {
    String to = request.path("to").asText();
    if (!self.toString().equals(to)) {
      return Optional.of(
          "it is addressed to another member ("
              + Protocol.printable(to)
              + "), so it was relayed or misrouted");
    }
    if (!request.path("time").isIntegralNumber()) {
      return Optional.of("it carries no time");
    }
    Instant sent = Instant.ofEpochMilli(request.path("time").asLong());
    Duration apart = Duration.between(sent, arrival).abs();
    if (apart.compareTo(window) > 0) {
      return Optional.of(
          "it was sent "
              + apart.toSeconds()
              + " s "
              + (sent.isBefore(arrival) ? "before" : "after")
              + " it arrived, outside the "
              + window.toSeconds()
              + " s window (a replay, or clocks that disagree)");
    }
    String nonce = request.path("nonce").asText();
    if (nonce.length() < 32) {
      return Optional.of("it carries no nonce");
    }
    if (seen.asMap().putIfAbsent(nonce, Boolean.TRUE) != null) {
      return Optional.of("its nonce was seen before, so it is a replay");
    }
    return Optional.empty();
  }
}
