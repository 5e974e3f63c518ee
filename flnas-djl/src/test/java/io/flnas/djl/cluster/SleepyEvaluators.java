package io.flnas.djl.cluster;

import io.flnas.arch.Architecture;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Evaluator;
import io.flnas.testing.CheapEvaluator;
import java.util.Map;

/**
 * A worker evaluator that sleeps like a GPU trial (the spec's factory argument, in milliseconds)
 * and then answers what {@link CheapEvaluator} answers: for cluster tests and the cluster
 * benchmark, where training would only measure the two cores.
 */
public final class SleepyEvaluators implements WorkerEvaluators {

  /** The spec of a search whose trials sleep {@code millis} each. */
  public static WorkSpec spec(long millis) {
    return new WorkSpec("synthetic", 100, 8, 1, 1, 1, SleepyEvaluators.class.getName(),
        Long.toString(millis));
  }

  /** The fingerprint a coordinator expects of workers on this spec. */
  public static Map<String, String> fingerprint(WorkSpec spec) {
    return Map.of("evaluator", evaluator(spec).name(), "data", spec.data());
  }

  static Evaluator evaluator(WorkSpec spec) {
    long millis = Long.parseLong(spec.factoryArgument());
    CheapEvaluator cheap = new CheapEvaluator();
    return new Evaluator() {
      @Override
      public Evaluation evaluate(Architecture architecture) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        return cheap.evaluate(architecture);
      }

      @Override
      public String name() {
        return "sleepy(" + cheap.name() + ", " + millis + " ms)";
      }
    };
  }

  @Override
  public Prepared prepare(WorkSpec spec, int threads) {
    return new Prepared(evaluator(spec), fingerprint(spec), () -> { });
  }
}
