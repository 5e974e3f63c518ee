package io.flnas.search;

import com.google.common.base.Preconditions;

/**
 * One execution of a trial's evaluation on an executor.
 *
 * @param worker where it ran, e.g. {@code worker-2 (127.0.0.1:5703)}
 * @param outcome {@code completed}, {@code failed}, or why the attempt was lost (e.g. {@code worker
 *     lost: member left the cluster})
 * @param seconds wall time of the attempt
 */
public record Attempt(String worker, String outcome, double seconds) {
  public Attempt {
    Preconditions.checkArgument(worker != null && !worker.isBlank(), "worker must not be blank");
    Preconditions.checkArgument(outcome != null && !outcome.isBlank(), "outcome must not be blank");
  }
}
