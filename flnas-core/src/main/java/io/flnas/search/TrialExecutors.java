package io.flnas.search;

import com.google.common.base.Preconditions;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.flnas.search.promote.RungEvaluator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Ready-made {@link TrialExecutor}s. */
public final class TrialExecutors {
  private TrialExecutors() {}

  /**
   * Runs an evaluator on {@code threads} daemon threads of this process. With more than one thread
   * the evaluator is called concurrently, so it must be thread-safe; the search's default executor
   * has as many threads as its parallelism.
   */
  public static TrialExecutor inProcess(Evaluator evaluator, int threads) {
    Preconditions.checkArgument(evaluator != null, "evaluator must not be null");
    Preconditions.checkArgument(threads > 0, "threads must be > 0, but was %s", threads);
    return new InProcess(evaluator, threads);
  }

  private static final class InProcess implements TrialExecutor {
    private final Evaluator evaluator;
    private final int threads;
    private final ExecutorService pool;

    InProcess(Evaluator evaluator, int threads) {
      this.evaluator = evaluator;
      this.threads = threads;
      this.pool =
          Executors.newFixedThreadPool(
              threads,
              new ThreadFactoryBuilder().setNameFormat("flnas-trial-%d").setDaemon(true).build());
    }

    @Override
    public CompletableFuture<Execution> submit(TrialTask task) {
      CompletableFuture<Execution> result = new CompletableFuture<>();
      Future<?> running =
          pool.submit(
              () -> {
                try {
                  task.events().placed("in-process");
                  result.complete(
                      new Execution(
                          task.rung().isPresent()
                              ? ((RungEvaluator) evaluator)
                                  .evaluate(
                                      task.architecture(),
                                      task.rung().get(),
                                      task.events()::epochFinished)
                              : evaluator.evaluate(
                                  task.architecture(), task.events()::epochFinished),
                          List.of()));
                } catch (Throwable e) {
                  result.completeExceptionally(e);
                }
              });
      result.whenComplete(
          (value, error) -> {
            if (result.isCancelled()) {
              running.cancel(true);
            }
          });
      return result;
    }

    @Override
    public String evaluatorName() {
      return evaluator.name();
    }

    @Override
    public int slots() {
      return threads;
    }

    @Override
    public boolean continuesRungs() {
      return evaluator instanceof RungEvaluator;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }

    @Override
    public String toString() {
      return "in-process(" + evaluator.name() + ", threads=" + threads + ")";
    }
  }
}
