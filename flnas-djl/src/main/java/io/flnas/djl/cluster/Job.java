package io.flnas.djl.cluster;

import io.flnas.search.Attempt;
import io.flnas.search.TrialExecutor.Execution;
import io.flnas.search.TrialExecutor.TrialTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A trial on the cluster and its attempts so far. */
final class Job {
  final TrialTask task;
  final CompletableFuture<Execution> result = new CompletableFuture<>();
  final List<Attempt> attempts = new ArrayList<>();
  int lost;

  Job(TrialTask task) {
    this.task = task;
  }
}
