package io.flnas.djl.cluster;

import com.google.common.base.Preconditions;
import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;

/**
 * Where the members of a cluster live and how they find each other. Members bind to one address
 * (loopback unless told otherwise) and join by an explicit member list; multicast and
 * auto-detection are off, so nothing on the network joins by accident.
 *
 * <p>Each member is locked down as far as Hazelcast's open-source edition allows (see {@link
 * #config}); what it cannot stop, a stranger who reaches the port joining, reading traffic and
 * denying service, is why binding beyond loopback is an explicit choice of a trusted network.
 *
 * @param bind the address this member binds to and announces
 * @param port the first port to try; the next free one up to 100 further is taken
 * @param members {@code host:port} addresses of members to join (may be empty for the first one)
 * @param name the cluster's name: members of differently named clusters never join each other, so
 *     two searches on one machine stay apart
 */
public record ClusterSettings(String bind, int port, List<String> members, String name) {
  /** The cluster name of {@code flnas worker} and {@code --members} unless told otherwise. */
  public static final String DEFAULT_NAME = "flnas";

  /** The executor service trials run on; one thread per worker (one trial at a time). */
  static final String TRIALS = "flnas-trials";

  static final String ROLE = "flnas.role";
  static final String NAME = "flnas.name";

  /** Settings of the default cluster name. */
  public ClusterSettings(String bind, int port, List<String> members) {
    this(bind, port, members, DEFAULT_NAME);
  }

  public ClusterSettings {
    Preconditions.checkArgument(
        name != null && name.matches("[A-Za-z0-9._-]+"),
        "a cluster name is letters, digits, '.', '_' or '-', but was '%s'",
        name);
    Preconditions.checkArgument(bind != null && !bind.isBlank(), "bind must not be blank");
    Preconditions.checkArgument(
        port > 0 && port < 65536, "port must be in 1..65535, but was %s", port);
    members = List.copyOf(members);
    for (String member : members) {
      Preconditions.checkArgument(
          member.matches("[^:\\s]+(:\\d{1,5})?"),
          "a member must be HOST or HOST:PORT, but was '%s'",
          member);
    }
  }

  /** Loopback, port 5701, no members: a coordinator for workers on this machine. */
  public static ClusterSettings loopback() {
    return new ClusterSettings("127.0.0.1", 5701, List.of());
  }

  /** The same settings joining other members from another port. */
  public ClusterSettings joining(int newPort, List<String> value) {
    return new ClusterSettings(bind, newPort, value, name);
  }

  /**
   * Checks that this machine has an interface with the bind address, so a member that cannot bind
   * fails with one clear line before Hazelcast starts (Hazelcast would log its own error twice,
   * with a stack trace). A pattern such as {@code 10.0.*.*} is left to Hazelcast.
   *
   * @throws ClusterException naming the address when no interface has it
   */
  public void checkBindable() {
    if (bind.contains("*") || bind.contains("-")) {
      return;
    }
    try {
      InetAddress address = InetAddress.getByName(bind);
      if (address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) == null) {
        throw new ClusterException(
            "no network interface of this machine has the address "
                + bind
                + (address.isAnyLocalAddress()
                    ? " (a wildcard address: bind to one" + " interface's address)"
                    : "")
                + "; cannot bind a cluster member to it");
      }
    } catch (UnknownHostException e) {
      throw new ClusterException("cannot resolve the bind address " + bind);
    } catch (SocketException e) {
      throw new ClusterException(
          "cannot list this machine's network interfaces to check the"
              + " bind address "
              + bind
              + ": "
              + e.getMessage());
    }
  }

  /** A fresh cluster name, {@code flnas-<8 hex>}, for a cluster this process starts. */
  public static String uniqueName() {
    return "flnas-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The Hazelcast configuration of one member, locked down:
   *
   * <ul>
   *   <li>Only the member protocol listens: the advanced network configuration has a member
   *       endpoint and nothing else, so Hazelcast clients (which need only the cluster name), REST
   *       and memcache find no endpoint to talk to.
   *   <li>Every flnas member is a lite member: it owns no partition, so no member of the cluster
   *       stores distributed data on it and a stranger's maps, queues or topics cannot fill its
   *       heap (they fail for want of a data member, or land on the stranger's own). flnas uses
   *       only the executor service, which runs on lite members.
   *   <li>Java deserialization admits only {@link DeserializationAllowList}; executors run only
   *       flnas's own requests ({@link TaskGuard}), stamped with their sender and arrival by {@code
   *       clock}.
   *   <li>No telemetry (nothing may leave the machine), no Jet, no metrics, no shutdown hook of
   *       Hazelcast's (the worker leaves on its own), logging through slf4j.
   * </ul>
   */
  Config config(String role, String memberName, Clock clock) {
    Config config = new Config();
    config.setClusterName(this.name);
    config.setInstanceName(memberName + "-" + ProcessHandle.current().pid());
    config.setLiteMember(true);
    config.getMemberAttributeConfig().setAttribute(ROLE, role).setAttribute(NAME, memberName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Join at once, and notice a worker killed with kill -9 within seconds.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    config.setProperty("hazelcast.partition.count", "7");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.getMetricsConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig endpoint = new ServerSocketEndpointConfig();
    endpoint.setPort(port).setPortAutoIncrement(true).setPortCount(100);
    endpoint.getInterfaces().setEnabled(true).addInterface(bind);
    network.setMemberEndpointConfig(endpoint);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setMembers(members.isEmpty() ? List.of(bind) : members)
        .setConnectionTimeoutSeconds(1);
    config.getExecutorConfig(TRIALS).setPoolSize(1);
    config
        .getSerializationConfig()
        .addDataSerializableFactory(
            TrialCall.FACTORY_ID, id -> id == TrialCall.CLASS_ID ? new TrialCall() : null);
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(DeserializationAllowList.filter());
    config.setManagedContext(new TaskGuard(clock));
    return config;
  }
}
