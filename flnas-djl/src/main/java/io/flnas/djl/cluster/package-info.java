/**
 * Trials on a Hazelcast cluster of worker processes (open-source edition, embedded members). {@link
 * io.flnas.djl.cluster.ClusterExecutor} is the coordinator's {@link io.flnas.search.TrialExecutor};
 * {@link io.flnas.djl.cluster.WorkerNode} evaluates trials with its own evaluator from a {@link
 * io.flnas.djl.cluster.WorkSpec}; {@link io.flnas.djl.cluster.LocalWorkers} starts and supervises
 * worker JVMs ({@link io.flnas.djl.cluster.WorkerMain}). Members bind to loopback unless told
 * otherwise and join by an explicit list; every request and reply is signed with an HMAC over a
 * {@link io.flnas.djl.cluster.ClusterSecret}, and a request names its worker, a time and a nonce,
 * so a copy of one is refused anywhere and any time else. Since the open-source edition lets anyone
 * who reaches a port join, a member is a worker only after a signed challenge, and each member is
 * locked down as far as that edition allows: only the member endpoint listens (no clients), Java
 * deserialization is behind an allow-list, executors run flnas's requests only, and no member holds
 * distributed data.
 */
package io.flnas.djl.cluster;
