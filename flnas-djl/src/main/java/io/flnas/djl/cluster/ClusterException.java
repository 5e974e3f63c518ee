package io.flnas.djl.cluster;

import io.flnas.FlNasException;

/**
 * The cluster cannot run a search as asked: too few workers joined, or a worker refused (another
 * secret, other data or settings). The message says which worker and why.
 */
public class ClusterException extends FlNasException {
  public ClusterException(String message) {
    super(message);
  }
}
