package io.flnas.llm;

import java.util.Optional;

/** Reads what kind of failure a chat-model call ended in: unreachable endpoint or timeout. */
final class ProviderErrors {
  private ProviderErrors() {}

  /**
   * The network failure under {@code e} when the endpoint could not be reached at all: a name that
   * does not resolve, a refused or unroutable connection, a TLS handshake that fails.
   */
  static Optional<Throwable> unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.UnknownHostException
          || t instanceof java.net.ConnectException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof javax.net.ssl.SSLException) {
        return Optional.of(t);
      }
    }
    return e instanceof dev.langchain4j.exception.UnresolvedModelServerException
        ? Optional.of(e)
        : Optional.empty();
  }

  static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof dev.langchain4j.exception.TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
