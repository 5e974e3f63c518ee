package io.flnas.examples;

import io.flnas.djl.cluster.ClusterSettings;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import picocli.CommandLine.Option;

/** Where this process sits in a cluster: the options a search and a worker share. */
final class MemberOptions {
  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description =
          "Address this process binds to and announces in the cluster. Default:"
              + " ${DEFAULT-VALUE}.")
  String bind;

  @Option(
      names = "--trusted-network",
      negatable = true,
      description =
          "Allow --bind to an address other than loopback. The cluster (Hazelcast's"
              + " open-source edition) has no TLS and no member authentication: anyone who can reach"
              + " that address can read its traffic, join it and deny service. Use it only on a"
              + " private network (a VPN such as WireGuard).")
  boolean trustedNetwork;

  @Option(
      names = "--port",
      defaultValue = "5701",
      paramLabel = "PORT",
      description =
          "First cluster port to try; the next free one is taken. Default:" + " ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--cluster-name",
      defaultValue = ClusterSettings.DEFAULT_NAME,
      paramLabel = "NAME",
      description =
          "Name of the cluster: a search's --members and its"
              + " workers use the same (local workers get a fresh one). Default: ${DEFAULT-VALUE}.")
  String clusterName;

  /** What anyone who reaches a non-loopback bind can do: the open-source edition's limits. */
  static final String EXPOSURE =
      "the cluster (Hazelcast's open-source edition) has no TLS and"
          + " no member authentication, so anyone who can reach it can read its traffic (trials,"
          + " results, weights), join it as a member and deny service";

  /**
   * Refuses a bind to anything but loopback without {@code --trusted-network}, saying why; with it,
   * says on {@code out} what an attacker on that network can still do. Checked before anything
   * starts.
   */
  void checkTrust(PrintStream out) {
    checkTrust(bind, trustedNetwork, out);
  }

  /** {@link #checkTrust(PrintStream)} for a bind address and a trust given as values. */
  static void checkTrust(String bind, boolean trustedNetwork, PrintStream out) {
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new UsageException("--bind: cannot resolve '" + bind + "'");
    }
    if (address.isLoopbackAddress()) {
      return;
    }
    if (!trustedNetwork) {
      throw new UsageException(
          "--bind "
              + bind
              + " is not a loopback address: "
              + EXPOSURE
              + ". Bind to a private network only (a VPN such as WireGuard) and say so with"
              + " --trusted-network");
    }
    out.println(
        "warning: --bind "
            + bind
            + ": "
            + EXPOSURE
            + "; --trusted-network says this"
            + " network is private");
  }

  /** The settings of a member joining {@code members}, in the cluster {@code name}. */
  ClusterSettings settings(List<String> members, String name) {
    return settings(bind, port, members, name);
  }

  /** The settings of a member at {@code bind} and {@code port} joining {@code members}. */
  static ClusterSettings settings(String bind, int port, List<String> members, String name) {
    try {
      return new ClusterSettings(bind, port, members, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
