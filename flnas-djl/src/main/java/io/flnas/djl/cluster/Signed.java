package io.flnas.djl.cluster;

/**
 * A message and its HMAC signature, as they travel between members; see {@link ClusterSecret}.
 *
 * @param message JSON text
 * @param signature hex HMAC-SHA256 of the message's UTF-8 bytes; empty when unsigned
 */
record Signed(String message, String signature) {
  static Signed by(ClusterSecret secret, String message) {
    return new Signed(message, secret.sign(message));
  }

  boolean verifiedBy(ClusterSecret secret) {
    return secret.verifies(message, signature);
  }
}
