package io.flnas.djl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * A Hazelcast member run by someone on the network without the cluster secret, as the issue's
 * attacker ran one: it knows the cluster's name and partition count (a worker's own error message
 * gives them away) and uses none of flnas's lock-down. It calls itself a worker, and when the
 * coordinator sends it a request it relays the request to a real worker and hands back whatever
 * that worker answers.
 */
final class Stranger implements AutoCloseable {
  private static final String RELAY_TO = "relay-to";
  final HazelcastInstance member;

  private Stranger(HazelcastInstance member) {
    this.member = member;
  }

  /**
   * Joins the cluster {@code cluster} at {@code address}, posing as {@code name} and relaying what
   * it gets to the member at {@code relayTo} ({@code host:port}).
   */
  static Stranger join(String cluster, String address, int port, String name, String relayTo) {
    Config config = new Config();
    config.getUserContext().put(RELAY_TO, relayTo);
    config.setClusterName(cluster);
    config.setInstanceName("stranger-" + UUID.randomUUID());
    config
        .getMemberAttributeConfig()
        .setAttribute(ClusterSettings.ROLE, "worker")
        .setAttribute(ClusterSettings.NAME, name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.partition.count", "7");
    config.getJetConfig().setEnabled(false);
    config
        .getNetworkConfig()
        .setPort(port)
        .setPortAutoIncrement(true)
        .getInterfaces()
        .setEnabled(true)
        .addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(address));
    config
        .getSerializationConfig()
        .addDataSerializableFactory(TrialCall.FACTORY_ID, id -> new RelayingCall());
    return new Stranger(Hazelcast.newHazelcastInstance(config));
  }

  UUID uuid() {
    return member.getCluster().getLocalMember().getUuid();
  }

  /** Submits {@code task} to {@code target}'s executor of trials, as any member may. */
  <T> Future<T> submit(Callable<T> task, Member target) {
    return member.getExecutorService(ClusterSettings.TRIALS).submitToMember(task, target);
  }

  /** Sends {@code request} to {@code target} as a trial request, as if it were the coordinator. */
  Future<String> send(Signed request, Member target) {
    return submit(new RelayingCall(request), target);
  }

  @Override
  public void close() {
    member.getLifecycleService().terminate();
  }

  /**
   * What the stranger runs when a trial request reaches it: it forwards the request, signature and
   * all, to the member it relays to. It travels with {@link TrialCall}'s ids, so a worker reads it
   * as a {@link TrialCall}.
   */
  static final class RelayingCall
      implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String message;
    private String signature;
    private transient HazelcastInstance instance;

    RelayingCall() {}

    RelayingCall(Signed request) {
      this.message = request.message();
      this.signature = request.signature();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance value) {
      this.instance = value;
    }

    @Override
    public String call() throws Exception {
      Object relayTo = instance.getUserContext().get(RELAY_TO);
      Member target =
          instance.getCluster().getMembers().stream()
              .filter(m -> Protocol.address(m).equals(relayTo))
              .findFirst()
              .orElseThrow();
      return instance
          .getExecutorService(ClusterSettings.TRIALS)
          .submitToMember(new RelayingCall(new Signed(message, signature)), target)
          .get();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(message);
      out.writeString(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      message = in.readString();
      signature = in.readString();
    }

    @Override
    public int getFactoryId() {
      return TrialCall.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return TrialCall.CLASS_ID;
    }
  }
}
