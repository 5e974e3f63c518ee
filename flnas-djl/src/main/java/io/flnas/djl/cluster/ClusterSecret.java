package io.flnas.djl.cluster;

import com.google.common.base.Preconditions;
import io.flnas.FlNasException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret of a cluster, and the HMAC-SHA256 signatures made with it. Hazelcast's
 * open-source edition has neither TLS nor member authentication, so every trial a coordinator sends
 * and every result a worker returns is signed, and the receiver checks the signature before it
 * reads anything.
 *
 * <p>It comes from the environment variable {@value #ENV} (the secret itself) or {@value #FILE_ENV}
 * (a file holding it); local workers get a fresh random one through their environment. It never
 * appears in {@link #toString}, logs, journals or command lines.
 */
public final class ClusterSecret {
  /** Environment variable holding the secret. */
  public static final String ENV = "FLNAS_CLUSTER_SECRET";

  /** Environment variable naming a file that holds the secret. */
  public static final String FILE_ENV = "FLNAS_CLUSTER_SECRET_FILE";

  private static final int MIN_BYTES = 16;

  /** A user's secret needs some variety: 16 equal bytes pass a length check and nothing else. */
  private static final int MIN_DISTINCT = 8;

  private final byte[] key;

  private ClusterSecret(byte[] key) {
    Preconditions.checkArgument(
        key.length >= MIN_BYTES,
        "a cluster secret needs at least %s bytes, but had %s",
        MIN_BYTES,
        key.length);
    this.key = key.clone();
  }

  /** A secret from its text (at least 16 bytes of UTF-8). */
  public static ClusterSecret of(String text) {
    return new ClusterSecret(text.strip().getBytes(StandardCharsets.UTF_8));
  }

  /** 32 random bytes, hex-encoded, for workers this process starts. */
  public static ClusterSecret random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return of(HexFormat.of().formatHex(bytes));
  }

  /** The secret from {@value #ENV} or {@value #FILE_ENV}; empty when neither is set. */
  public static Optional<ClusterSecret> fromEnvironment(Map<String, String> environment) {
    String text = environment.get(ENV);
    if (text != null && !text.isBlank()) {
      return Optional.of(checked(text, ENV));
    }
    String file = environment.get(FILE_ENV);
    if (file != null && !file.isBlank()) {
      try {
        return Optional.of(
            checked(
                Files.readString(Path.of(file), StandardCharsets.UTF_8),
                FILE_ENV + " file " + file));
      } catch (IOException e) {
        throw new FlNasException(
            "cannot read the cluster secret file "
                + file
                + " named by "
                + FILE_ENV
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return Optional.empty();
  }

  private static ClusterSecret checked(String text, String source) {
    if (text.strip().getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
      throw new FlNasException(
          "the cluster secret from "
              + source
              + " is too short: it needs at"
              + " least "
              + MIN_BYTES
              + " bytes");
    }
    long distinct = text.strip().chars().distinct().count();
    if (distinct < MIN_DISTINCT) {
      throw new FlNasException(
          "the cluster secret from "
              + source
              + " has only "
              + distinct
              + " distinct characters: it needs at least "
              + MIN_DISTINCT
              + " (use random text,"
              + " e.g. openssl rand -hex 32)");
    }
    return of(text);
  }

  /** The secret as the environment of a process this one starts: {@value #ENV}. */
  Map<String, String> environment() {
    return Map.of(ENV, new String(key, StandardCharsets.UTF_8));
  }

  /** The hex HMAC-SHA256 of a message. */
  public String sign(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Whether {@code signature} is this secret's signature of {@code message} (constant time). */
  public boolean verifies(String message, String signature) {
    if (signature == null || signature.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(message).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "ClusterSecret[redacted]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterSecret s && Arrays.equals(key, s.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }
}
