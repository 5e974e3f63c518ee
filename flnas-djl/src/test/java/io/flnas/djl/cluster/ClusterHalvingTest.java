package io.flnas.djl.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.Architecture;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import io.flnas.search.Evaluator;
import io.flnas.search.TrialExecutor;
import io.flnas.search.promote.RungEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Successive halving on the cluster: the coordinator keeps each rung's weights, so the next rung
 * runs on another worker and continues the training exactly: the same bits as the same rung
 * continued in this process from the same weights ({@code RungTrainingTest} shows that rungs
 * continued in-process equal unbroken training).
 */
class ClusterHalvingTest {
  private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple");
  private final List<AutoCloseable> members = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stopEveryMember() throws Exception {
    for (AutoCloseable member : members) {
      member.close();
    }
  }

  @Test
  void a_rung_continued_on_another_worker_equals_in_process_training_bit_for_bit()
      throws Exception {
    WorkSpec spec = WorkSpec.djl("synthetic", 80, 8, 3, 2, 2);
    ImageDataset data = spec.loadDataset();
    Architecture cnn =
        ReferenceArchitectures.smallCnn(data.input(), data.numClasses()).withName("trial-1");
    RungEvaluator.Rung first =
        new RungEvaluator.Rung(0, 1, Optional.empty(), dir.resolve("cluster-0.params"));
    RungEvaluator.Rung second =
        new RungEvaluator.Rung(
            1, 2, Optional.of(dir.resolve("cluster-0.params")), dir.resolve("cluster-1.params"));
    ClusterExecutor coordinator;
    try (DjlEvaluator local =
        (DjlEvaluator) new DjlWorkerEvaluators().prepare(spec, 1).evaluator()) {
      coordinator =
          ClusterExecutor.start(
              new ClusterSettings("127.0.0.1", 15741, List.of(), ClusterSettings.uniqueName()),
              SECRET,
              spec,
              DjlWorkerEvaluators.fingerprint(local),
              3);
    }
    members.add(coordinator);
    assertThat(coordinator.continuesRungs()).isTrue();
    List<String> placed = new CopyOnWriteArrayList<>();
    TrialExecutor.Events events =
        new TrialExecutor.Events() {
          @Override
          public void placed(String worker) {
            placed.add(worker.substring(0, worker.indexOf(' ')));
          }
        };

    WorkerNode one = worker(coordinator, "worker-1");
    coordinator.awaitWorkers(1, Duration.ofSeconds(60));
    Evaluation cluster0 =
        coordinator
            .submit(new TrialExecutor.TrialTask(1, cnn, events, Optional.of(first)))
            .get(120, TimeUnit.SECONDS)
            .evaluation();
    one.close();
    members.remove(one);
    worker(coordinator, "worker-2");
    coordinator.awaitWorkers(1, Duration.ofSeconds(60));
    Evaluation cluster1 =
        coordinator
            .submit(new TrialExecutor.TrialTask(1, cnn, events, Optional.of(second)))
            .get(120, TimeUnit.SECONDS)
            .evaluation();

    // The same rung in this process, from the weights worker-1 returned.
    Evaluation local1;
    try (DjlEvaluator local =
        (DjlEvaluator) new DjlWorkerEvaluators().prepare(spec, 1).evaluator()) {
      local1 =
          local.evaluate(
              cnn,
              new RungEvaluator.Rung(
                  1,
                  2,
                  Optional.of(dir.resolve("cluster-0.params")),
                  dir.resolve("local-1.params")),
              Evaluator.EpochListener.NONE);
    }

    assertThat(placed).containsExactly("worker-1", "worker-2");
    assertThat(cluster0.failure()).isEmpty();
    assertThat(cluster1.failure()).isEmpty();
    assertThat(cluster1.epochs()).isEqualTo(2);
    assertThat(cluster1.train()).isEqualTo(local1.train());
    assertThat(cluster1.validation()).isEqualTo(local1.validation());
    assertThat(cluster1.testPredictions()).isEqualTo(local1.testPredictions());
    assertThat(Files.readAllBytes(dir.resolve("cluster-1.params")))
        .isEqualTo(Files.readAllBytes(dir.resolve("local-1.params")));
  }

  private WorkerNode worker(ClusterExecutor coordinator, String name) {
    WorkerNode worker =
        WorkerNode.start(
            new WorkerNode.Options(name, 1, Optional.empty(), 0, 0),
            SECRET,
            new ClusterSettings(
                "127.0.0.1", 5841, List.of(coordinator.address()), coordinator.clusterName()));
    members.add(0, worker);
    return worker;
  }
}
