package io.flnas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for tests of network failures. */
public final class Ports {
  private Ports() {}

  /**
   * A loopback port that was free a moment ago and is closed now, so connecting to it is refused
   * (unless another process happens to take it in between).
   */
  public static int closedLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
