package io.flnas.examples;

import io.flnas.djl.cluster.ClusterSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** Where this process sits in a cluster: the options a search and a worker share. */
final class MemberOptions {
  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address this process binds to and announces in the cluster. Default:"
          + " ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--port", defaultValue = "5701", paramLabel = "PORT",
      description = "First cluster port to try; the next free one is taken. Default:"
          + " ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--cluster-name", defaultValue = ClusterSettings.DEFAULT_NAME,
      paramLabel = "NAME", description = "Name of the cluster: a search's --members and its"
          + " workers use the same (local workers get a fresh one). Default: ${DEFAULT-VALUE}.")
  String clusterName;

  /** The settings of a member joining {@code members}, in the cluster {@code name}. */
  ClusterSettings settings(List<String> members, String name) {
    try {
      return new ClusterSettings(bind, port, members, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
