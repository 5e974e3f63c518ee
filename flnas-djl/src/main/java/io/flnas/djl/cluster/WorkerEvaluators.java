package io.flnas.djl.cluster;

import io.flnas.search.Evaluator;
import java.util.Map;

/**
 * Builds a worker's evaluator from a {@link WorkSpec}, once per spec and worker process. The
 * default, {@link DjlWorkerEvaluators}, builds the dataset and a {@code DjlEvaluator}; a research
 * group plugs in its own evaluator by naming its factory in the spec (it needs a public no-argument
 * constructor and must be on the workers' class path).
 */
public interface WorkerEvaluators {

  /** The evaluator for a spec, with {@code threads} engine threads (0: the engine's choice). */
  Prepared prepare(WorkSpec spec, int threads);

  /**
   * A worker's evaluator and its fingerprint: what the coordinator compares with its own before any
   * trial runs (the evaluator's name, a checksum of the data), so a worker with other data or
   * settings is refused with the differences named.
   *
   * @param resources closed when the worker leaves or the spec changes
   */
  record Prepared(Evaluator evaluator, Map<String, String> fingerprint, AutoCloseable resources) {
    public Prepared {
      fingerprint = Map.copyOf(fingerprint);
    }
  }
}
