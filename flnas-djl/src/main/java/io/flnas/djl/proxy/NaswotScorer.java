package io.flnas.djl.proxy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;
import io.flnas.djl.model.ArchitectureBlocks;
import io.flnas.search.screen.ProxyScorer;
import java.util.Random;

/**
 * NASWOT, "neural architecture search without training" (Mellor et al., ICML 2021): the
 * log-determinant of the kernel of binary activation codes over one batch of training images, at
 * initialization. Each image's code is which units of every activation layer are positive; the
 * kernel entry of two images counts the units where their codes agree. A network that maps
 * different images to different codes scores higher; one whose activations are dead or squeezed
 * through a bottleneck scores low, down to {@code -Infinity} for a singular kernel.
 *
 * <p>Deterministic for a seed, with no process-wide state: the batch is drawn from the training
 * split by a generator seeded with {@code seed}, and the weights are drawn (Kaiming normal, the
 * fan-in of each convolution or linear layer) by a generator seeded with {@code seed} too, not by
 * the engine's global generator; biases, norms and their statistics keep their fixed initial
 * values. The network runs in inference mode (dropout off, batch norm at its initial statistics).
 * Every native array lives in an {@link NDManager} closed before {@link #score} returns. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * Search search = Search.builder(dataset.problem(), evaluator)
 *     .prescreen(NaswotScorer.builder(dataset).build(), 4)
 *     .build();
 * }</pre>
 */
public final class NaswotScorer implements ProxyScorer {
  private final String datasetName;
  private final int batchSize;
  private final long seed;
  private final Device device;
  private final float[] pixels;
  private final Shape batchShape;

  private NaswotScorer(Builder b) {
    Split train = b.dataset.train();
    this.datasetName = b.dataset.name() + " " + b.dataset.size() + " images";
    this.batchSize = Math.min(b.batchSize, train.count());
    this.seed = b.seed;
    this.device = b.device;
    int image = train.channels() * train.height() * train.width();
    this.pixels = new float[batchSize * image];
    int[] order = new Random(seed).ints(0, train.count()).distinct().limit(batchSize).toArray();
    for (int i = 0; i < batchSize; i++) {
      train.images().normalized(order[i], pixels, i * image);
    }
    this.batchShape = new Shape(batchSize, train.channels(), train.height(), train.width());
  }

  public static Builder builder(ImageDataset dataset) {
    return new Builder(dataset);
  }

  @Override
  public String name() {
    return "naswot(" + datasetName + ", batch=" + batchSize + " seed=" + seed + ")";
  }

  /** The log-determinant of the activation-code kernel; {@code -Infinity} when it is singular. */
  @Override
  public double score(Architecture architecture) {
    Block block = ArchitectureBlocks.toBlock(architecture);
    Device on = device != null ? device : Engine.getEngine("PyTorch").defaultDevice();
    try (NDManager manager = NDManager.newBaseManager(on, "PyTorch")) {
      block.setInitializer(new KaimingNormal(new Random(seed)), Parameter.Type.WEIGHT);
      block.initialize(manager, DataType.FLOAT32, batchShape);
      NDArray input = manager.create(pixels, batchShape);
      NDArray[] kernel = {manager.zeros(new Shape(batchSize, batchSize))};
      ActivationWalk.run(
          architecture,
          block,
          input,
          new ParameterStore(manager, false),
          activation -> {
            NDArray codes = activation.reshape(batchSize, -1).gt(0).toType(DataType.FLOAT32, false);
            NDArray off = codes.neg().add(1);
            kernel[0] =
                kernel[0].add(codes.matMul(codes.transpose())).add(off.matMul(off.transpose()));
          });
      return logDeterminant(kernel[0].toType(DataType.FLOAT64, false).toDoubleArray(), batchSize);
    }
  }

  /** {@code log|det|} of an {@code n x n} row-major matrix by LU with partial pivoting. */
  static double logDeterminant(double[] matrix, int n) {
    double[] a = matrix.clone();
    double log = 0;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int row = col + 1; row < n; row++) {
        if (Math.abs(a[row * n + col]) > Math.abs(a[pivot * n + col])) {
          pivot = row;
        }
      }
      double p = a[pivot * n + col];
      if (p == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      if (pivot != col) {
        for (int k = 0; k < n; k++) {
          double t = a[col * n + k];
          a[col * n + k] = a[pivot * n + k];
          a[pivot * n + k] = t;
        }
      }
      log += Math.log(Math.abs(p));
      for (int row = col + 1; row < n; row++) {
        double factor = a[row * n + col] / p;
        for (int k = col; k < n; k++) {
          a[row * n + k] -= factor * a[col * n + k];
        }
      }
    }
    return log;
  }

  /** Kaiming normal weights from a seeded generator: std {@code sqrt(2 / fan-in)}. */
  private record KaimingNormal(Random random) implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      long size = shape.size();
      long fanIn = shape.dimension() > 1 ? size / shape.get(0) : size;
      double std = Math.sqrt(2.0 / Math.max(1, fanIn));
      float[] values = new float[Math.toIntExact(size)];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextGaussian() * std);
      }
      return manager.create(values, shape).toType(dataType, false);
    }
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final ImageDataset dataset;
    private int batchSize = 64;
    private long seed = 42;
    private Device device;

    private Builder(ImageDataset dataset) {
      Preconditions.checkArgument(dataset != null, "dataset must not be null");
      this.dataset = dataset;
    }

    /** Training images in the batch (at most the training split); default 64. */
    public Builder batchSize(int value) {
      Preconditions.checkArgument(value > 1, "batchSize must be > 1, but was %s", value);
      this.batchSize = value;
      return this;
    }

    /** Seed of the batch and of the weights; default 42. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** The device; default the engine's default (a GPU when present, else the CPU). */
    public Builder device(Device value) {
      Preconditions.checkArgument(value != null, "device must not be null");
      this.device = value;
      return this;
    }

    public NaswotScorer build() {
      return new NaswotScorer(this);
    }
  }
}
