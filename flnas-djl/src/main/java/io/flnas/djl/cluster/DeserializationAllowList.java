package io.flnas.djl.cluster;

import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * The only classes a flnas member accepts through Java deserialization: exceptions, as Hazelcast
 * sends a failed call's cause back to its caller. Everything else is refused before its class is
 * even loaded, so a stranger's object graph (a nested {@code HashSet} whose hash codes take minutes
 * to compute, or a gadget chain) never runs a line of code.
 *
 * <p>Why this list and nothing more: flnas's own messages ({@link TrialCall}) travel through
 * Hazelcast's {@code IdentifiedDataSerializable}, its replies as plain strings, and its members'
 * handshakes, heartbeats and member lists as Hazelcast's own data-serializable operations, none of
 * which use Java serialization. What does use it is the {@code Throwable} in an error response: so
 * the list holds {@code Throwable}'s own parts (its stack trace and suppressed list), the
 * exceptions of {@code java.*} a failing call can raise, and the packages in which Hazelcast keeps
 * the exceptions its member protocol raises (each holding exceptions only). Hazelcast's default
 * lists are disabled: its allow-list admits every class under {@code java} and {@code
 * com.hazelcast}, which is what let a nested collection through.
 *
 * <p>Left out on purpose: {@code com.hazelcast.cluster.ClusterState}, which only a change of the
 * cluster's state carries; no flnas member changes it, so a stranger's request to put the cluster
 * into {@code PASSIVE} or to shut the whole cluster down is refused at every flnas member. A
 * missing exception class would not fail silently either: the caller's call would fail with its
 * operation timeout, and the class would have to be added here.
 */
final class DeserializationAllowList {
  /** Exceptions and the parts of a {@code Throwable}, by exact class name. */
  static final String[] CLASSES = {
    "java.lang.Throwable",
    "java.lang.Exception",
    "java.lang.RuntimeException",
    "java.lang.Error",
    "java.lang.StackTraceElement",
    "[Ljava.lang.StackTraceElement;",
    "java.lang.IllegalStateException",
    "java.lang.IllegalArgumentException",
    "java.lang.SecurityException",
    "java.lang.NullPointerException",
    "java.lang.ClassCastException",
    "java.lang.UnsupportedOperationException",
    "java.lang.IndexOutOfBoundsException",
    "java.lang.ArrayIndexOutOfBoundsException",
    "java.lang.ArithmeticException",
    "java.lang.NumberFormatException",
    "java.lang.InterruptedException",
    "java.lang.OutOfMemoryError",
    "java.lang.StackOverflowError",
    "java.lang.VirtualMachineError",
    "java.lang.ClassNotFoundException",
    "java.lang.NoClassDefFoundError",
    "java.lang.LinkageError",
    // A throwable's suppressed exceptions: an empty list, or an ArrayList of throwables.
    // Neither hashes its elements, so no nesting of them costs more than its bytes.
    "java.util.Collections$EmptyList",
    "java.util.ArrayList",
    "java.util.NoSuchElementException",
    "java.util.ConcurrentModificationException",
    "java.util.concurrent.RejectedExecutionException",
    "java.util.concurrent.CancellationException",
    "java.util.concurrent.ExecutionException",
    "java.util.concurrent.TimeoutException",
    "java.util.concurrent.CompletionException",
    "java.io.IOException",
    "java.io.UncheckedIOException",
    "java.io.EOFException",
    "java.io.UTFDataFormatException",
    // In com.hazelcast.core, next to serializable events this list leaves out.
    "com.hazelcast.core.HazelcastException",
    "com.hazelcast.core.HazelcastInstanceNotActiveException",
    "com.hazelcast.core.MemberLeftException",
    "com.hazelcast.core.OperationTimeoutException",
    "com.hazelcast.core.HazelcastOverloadException",
    "com.hazelcast.core.IndeterminateOperationStateException",
    "com.hazelcast.core.LocalMemberResetException",
    "com.hazelcast.core.RuntimeInterruptedException",
    "com.hazelcast.core.ConsistencyLostException",
  };

  /** Packages of Hazelcast that hold nothing Java-serializable but exceptions. */
  static final String[] PACKAGES = {
    "com.hazelcast.spi.exception", "com.hazelcast.nio.serialization",
    "com.hazelcast.partition", "com.hazelcast.internal.cluster.impl",
  };

  private DeserializationAllowList() {}

  /** The filter for a member's configuration: Hazelcast's defaults off, this list on. */
  static JavaSerializationFilterConfig filter() {
    JavaSerializationFilterConfig filter =
        new JavaSerializationFilterConfig().setDefaultsDisabled(true);
    filter.getWhitelist().addClasses(CLASSES).addPackages(PACKAGES);
    return filter;
  }
}
