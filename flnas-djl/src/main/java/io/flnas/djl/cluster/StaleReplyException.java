package io.flnas.djl.cluster;

import io.flnas.FlNasException;

/**
 * A signed reply that answers another request: what a worker's pending reply to a crashed
 * coordinator looks like when a new coordinator takes over the same address (Hazelcast matches
 * replies by address and call number, and both restart). The request is sent again.
 */
final class StaleReplyException extends FlNasException {
  StaleReplyException(String message) {
    super(message);
  }
}
