package io.flnas.djl.cluster;

import com.hazelcast.core.Hazelcast;
import io.flnas.arch.Architecture;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Evaluator;
import io.flnas.testing.CheapEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A worker evaluator that sleeps like a GPU trial (the spec's factory argument, in milliseconds)
 * and then answers what {@link CheapEvaluator} answers: for cluster tests and the cluster
 * benchmark, where training would only measure the two cores.
 */
public final class SleepyEvaluators implements WorkerEvaluators {

  /** The spec of a search whose trials sleep {@code millis} each. */
  public static WorkSpec spec(long millis) {
    return new WorkSpec(
        "synthetic", 100, 8, 1, 1, 1, SleepyEvaluators.class.getName(), Long.toString(millis));
  }

  /**
   * Like {@link #spec(long)}, but trials 2, 3, 5, 6, ... sleep three times as long as trials 1, 4,
   * 7, ..., so when the first trial of a round of three ends the others surely run on.
   */
  public static WorkSpec staggered(long millis) {
    return new WorkSpec(
        "synthetic", 100, 8, 1, 1, 1, SleepyEvaluators.class.getName(), millis + ":staggered");
  }

  /**
   * Like {@link #spec(long)}, but the first trial any worker gets shuts down the Hazelcast member
   * it runs in (and marks {@code marker}, so only the first does): a stand-in for whatever ends a
   * member behind its worker's back.
   */
  public static WorkSpec shuttingDownOnce(long millis, Path marker) {
    return new WorkSpec(
        "synthetic",
        100,
        8,
        1,
        1,
        1,
        SleepyEvaluators.class.getName(),
        millis + ":shutdown:" + marker);
  }

  /** The fingerprint a coordinator expects of workers on this spec. */
  public static Map<String, String> fingerprint(WorkSpec spec) {
    return Map.of("evaluator", evaluator(spec).name(), "data", spec.data());
  }

  static Evaluator evaluator(WorkSpec spec) {
    String[] argument = spec.factoryArgument().split(":", 3);
    long millis = Long.parseLong(argument[0]);
    boolean staggered = argument.length > 1 && argument[1].equals("staggered");
    Optional<Path> shutdownMarker =
        argument.length > 2 && argument[1].equals("shutdown")
            ? Optional.of(Path.of(argument[2]))
            : Optional.empty();
    CheapEvaluator cheap = new CheapEvaluator();
    return new Evaluator() {
      @Override
      public Evaluation evaluate(Architecture architecture) {
        shutdownMarker.ifPresent(SleepyEvaluators::shutDownOnce);
        try {
          int trial =
              architecture.name().startsWith("trial-")
                  ? Integer.parseInt(architecture.name().substring(6))
                  : 1;
          Thread.sleep(staggered && trial % 3 != 1 ? 3 * millis : millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        return cheap.evaluate(architecture);
      }

      @Override
      public String name() {
        return "sleepy(" + cheap.name() + ", " + spec.factoryArgument() + " ms)";
      }
    };
  }

  private static void shutDownOnce(Path marker) {
    try {
      Files.createFile(marker);
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new Thread(
            () ->
                Hazelcast.getAllHazelcastInstances()
                    .forEach(h -> h.getLifecycleService().shutdown()),
            "test-member-shutdown")
        .start();
  }

  @Override
  public Prepared prepare(WorkSpec spec, int threads) {
    return new Prepared(evaluator(spec), fingerprint(spec), () -> {});
  }
}
