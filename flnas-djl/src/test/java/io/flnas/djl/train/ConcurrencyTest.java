package io.flnas.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Search;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A DJL evaluator trains one model at a time in a process, and says so when asked for two. */
class ConcurrencyTest {
  @Test
  void a_second_training_while_one_runs_is_refused_with_the_reason_and_the_first_goes_on()
      throws Exception {
    ImageDataset data = SyntheticLesions.builder().size(60).imageSize(8).seed(3).generate();
    Architecture cnn = ReferenceArchitectures.smallCnn(data.input(), 8).withName("first");
    CountDownLatch training = new CountDownLatch(1);
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(4).latencyRuns(1).bootstrapResamples(10).build()) {
      CompletableFuture<Evaluation> first =
          CompletableFuture.supplyAsync(
              () ->
                  evaluator.evaluate(
                      cnn,
                      (epoch, max, loss) -> {
                        training.countDown();
                        sleep();
                      }));
      assertThat(training.await(60, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(() -> evaluator.evaluate(cnn.withName("second")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("trains one model at a time in a process, and first is training")
          .hasMessageContaining("run trials in parallel on workers");
      assertThat(first.get(60, TimeUnit.SECONDS).failure()).isEmpty();
      // Once it ended, the next training runs.
      assertThat(evaluator.evaluate(cnn.withName("third")).failure()).isEmpty();

      assertThat(evaluator.concurrency()).isEqualTo(1);
      assertThatThrownBy(() -> Search.builder(data.problem(), evaluator).parallelism(2).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("runs 1 evaluation(s) at a time in a process, not 2");
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
