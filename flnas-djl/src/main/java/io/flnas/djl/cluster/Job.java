package io.flnas.djl.cluster;

import io.flnas.search.Attempt;
import io.flnas.search.TrialExecutor.Execution;
import io.flnas.search.TrialExecutor.TrialTask;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A trial on the cluster and its attempts so far. */
final class Job {
  final TrialTask task;
  final CompletableFuture<Execution> result = new CompletableFuture<>();

  /** Written from Hazelcast's callback threads and read by the search's: copy-on-write. */
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();

  int lost;

  Job(TrialTask task) {
    this.task = task;
  }
}
