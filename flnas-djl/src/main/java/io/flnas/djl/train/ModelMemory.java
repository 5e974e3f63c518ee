package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.Trainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The memory a model needs to run inference at a batch size, measured in the engine rather than
 * in the process: the bytes of its parameter and buffer arrays plus what PyTorch allocates for one
 * forward pass.
 *
 * <p>The forward pass runs under PyTorch's profiler with memory recording on, which attributes
 * every allocation and free of the engine's CPU allocator to the operator that made it (the
 * profiler's {@code "cpu mem"} per operator). The sum over the top-level operators is what the
 * pass left allocated; DJL keeps every intermediate array of a pass until its manager closes, so
 * that is also the pass's peak, short of scratch memory an operator frees before it returns. The
 * JVM, the dataset and allocator caches are not in it: this is the model's own figure, unlike the
 * process high-water mark.
 *
 * <p>The profiler is process-wide in PyTorch, so measurements are serialized on one lock. On a GPU
 * DJL exposes no allocator statistics of the CUDA caching allocator, so {@link #measureMb}
 * returns {@code NaN} there and callers fall back to the analytic figure, saying so.
 */
final class ModelMemory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Object PROFILER = new Object();

  private ModelMemory() {}

  /**
   * MiB needed to run {@code block} for inference on a batch of {@code batch}, or NaN where it
   * cannot be measured: on a GPU, or when the profiler fails. The figure is a measurement of a
   * trained model, so a profiler problem must not fail the trial; the analytic figure stands in.
   */
  static double measureMb(Trainer trainer, Block block, io.flnas.arch.Shape in, int batch,
      Device device) {
    if (device.isGpu()) {
      return Double.NaN;
    }
    try {
      return measuredMb(trainer, block, in, batch);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double measuredMb(Trainer trainer, Block block, io.flnas.arch.Shape in,
      int batch) {
    long parameters = 0;
    for (var pair : block.getParameters()) {
      NDArray array = pair.getValue().getArray();
      parameters += array.size() * array.getDataType().getNumOfBytes();
    }
    return (parameters + forwardBytes(trainer, in, batch)) / (1024.0 * 1024.0);
  }

  private static long forwardBytes(Trainer trainer, io.flnas.arch.Shape in, int batch) {
    Path trace = null;
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x = manager.randomNormal(new Shape(batch, in.channels(), in.height(), in.width()));
      trace = Files.createTempFile("flnas-memory", ".json");
      synchronized (PROFILER) {
        JniUtils.startProfile(false, false, true);
        try {
          trainer.evaluate(new NDList(x)).attach(manager);
        } finally {
          JniUtils.stopProfile(trace.toString());
        }
      }
      return allocatedBytes(JSON.readTree(trace.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the profiler's trace " + trace, e);
    } finally {
      if (trace != null) {
        trace.toFile().delete();
      }
    }
  }

  /**
   * Net bytes allocated by the top-level operators of a profiler trace (a JSON array of complete
   * events with {@code ts}, {@code dur}, {@code tid} and {@code "cpu mem"}); nested operators are
   * already counted in their parents.
   */
  static long allocatedBytes(JsonNode trace) {
    List<JsonNode> events = new ArrayList<>();
    trace.forEach(events::add);
    events.sort(Comparator.<JsonNode>comparingLong(e -> e.path("tid").asLong())
        .thenComparingDouble(e -> e.path("ts").asDouble())
        .thenComparing(Comparator.<JsonNode>comparingDouble(e -> e.path("dur").asDouble())
            .reversed()));
    long total = 0;
    long thread = Long.MIN_VALUE;
    double start = Double.NEGATIVE_INFINITY;
    double end = Double.NEGATIVE_INFINITY;
    for (JsonNode e : events) {
      long tid = e.path("tid").asLong();
      double ts = e.path("ts").asDouble();
      double finish = ts + e.path("dur").asDouble();
      boolean nested = tid == thread && ts >= start && finish <= end;
      if (!nested) {
        thread = tid;
        start = ts;
        end = finish;
        total += bytes(e.path("cpu mem").asText("0 b"));
      }
    }
    return total;
  }

  /** Parses the profiler's memory text: {@code "256.00 Kb"}, {@code "-64 b"}, {@code "1.50 Mb"}. */
  static long bytes(String text) {
    String[] parts = text.trim().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("unexpected profiler memory text '" + text + "'");
    }
    double value = Double.parseDouble(parts[0]);
    long unit = switch (parts[1].toLowerCase(Locale.ROOT)) {
      case "b" -> 1L;
      case "kb" -> 1L << 10;
      case "mb" -> 1L << 20;
      case "gb" -> 1L << 30;
      default -> throw new IllegalArgumentException("unexpected profiler memory unit in '"
          + text + "'");
    };
    return Math.round(value * unit);
  }
}
