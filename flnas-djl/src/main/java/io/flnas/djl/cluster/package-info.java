/**
 * Trials on a Hazelcast cluster of worker processes (open-source edition, embedded members).
 * {@link io.flnas.djl.cluster.ClusterExecutor} is the coordinator's {@link
 * io.flnas.search.TrialExecutor}; {@link io.flnas.djl.cluster.WorkerNode} evaluates trials with its
 * own evaluator from a {@link io.flnas.djl.cluster.WorkSpec}; {@link
 * io.flnas.djl.cluster.LocalWorkers} starts and supervises worker JVMs ({@link
 * io.flnas.djl.cluster.WorkerMain}). Members bind to loopback unless told otherwise and join by an
 * explicit list; every request and reply is signed with an HMAC over a {@link
 * io.flnas.djl.cluster.ClusterSecret}.
 */
package io.flnas.djl.cluster;
