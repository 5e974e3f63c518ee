package io.flnas.djl.cluster;

import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.djl.train.Precision;
import io.flnas.metrics.GroupColumn;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The default {@link WorkerEvaluators}: the spec's dataset, trained with {@link DjlEvaluator}. */
public final class DjlWorkerEvaluators implements WorkerEvaluators {

  @Override
  public Prepared prepare(WorkSpec spec, int threads) {
    ImageDataset dataset = spec.loadDataset();
    DjlEvaluator evaluator =
        DjlEvaluator.builder(dataset)
            .maxEpochs(spec.maxEpochs())
            .patience(spec.patience())
            .seed(spec.seed())
            .threads(threads)
            .precision(spec.precision().equals("bf16") ? Precision.BF16 : Precision.FP32)
            .build();
    return new Prepared(evaluator, fingerprint(evaluator), evaluator);
  }

  /**
   * What a worker's DJL evaluation must agree on with the coordinator's: the evaluator's name (data
   * name, size, input shape, hyperparameters) and a SHA-256 of every split's pixels (the 8-bit
   * values and their normalization for a loaded dataset, the floats for a host's own), labels and
   * groups. Threads and device are the worker's own business and are not in it.
   */
  public static Map<String, String> fingerprint(DjlEvaluator evaluator) {
    Map<String, String> fingerprint = new LinkedHashMap<>();
    fingerprint.put("evaluator", evaluator.name());
    fingerprint.put("data_sha256", checksum(evaluator.dataset()));
    return fingerprint;
  }

  static String checksum(ImageDataset dataset) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Split split : new Split[] {dataset.train(), dataset.validation(), dataset.test()}) {
        split.images().digest(digest);
        for (int[] column :
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(split.labels()),
                    split.groups().stream().map(GroupColumn::membership))
                .toList()) {
          ByteBuffer ints = ByteBuffer.allocate(column.length * 4);
          ints.asIntBuffer().put(column);
          digest.update(ints);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
