package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.flnas.djl.data.CompactImages;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Images;
import io.flnas.djl.data.Split;
import java.nio.ByteBuffer;

/**
 * A dataset's splits for one device, shared by every candidate of a search; closing it frees them.
 * The images stay where the dataset holds them (8-bit, on the heap or mapped from the cache): each
 * batch is cut from there, copied to the device as it is and normalized there, so no tensor grows
 * with the dataset. Labels are float32 class indices on the device, as DJL's sparse softmax
 * cross-entropy expects.
 */
final class DeviceData implements AutoCloseable {
  final NDManager manager;
  final Tensors train;
  final Tensors validation;
  final Tensors test;

  DeviceData(ImageDataset dataset, Device device) {
    manager = NDManager.newBaseManager(device);
    train = new Tensors(manager, dataset.train());
    validation = new Tensors(manager, dataset.validation());
    test = new Tensors(manager, dataset.test());
  }

  /** The labels of one split on the device, and its batches of images on demand. */
  static final class Tensors {
    final Split split;
    final NDArray labels;
    private final NDArray mean;
    private final NDArray std;

    Tensors(NDManager manager, Split split) {
      this.split = split;
      float[] labelValues = new float[split.count()];
      for (int i = 0; i < labelValues.length; i++) {
        labelValues[i] = split.labels()[i];
      }
      labels = manager.create(labelValues);
      if (split.images() instanceof CompactImages compact) {
        Shape perChannel = new Shape(1, split.channels(), 1, 1);
        mean = manager.create(compact.mean(), perChannel);
        std = manager.create(compact.std(), perChannel);
      } else {
        mean = null;
        std = null;
      }
    }

    int count() {
      return split.count();
    }

    /** Samples {@code from} to {@code to} (exclusive), normalized, in {@code batch}. */
    NDArray images(NDManager batch, int from, int to) {
      int[] rows = new int[to - from];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      return images(batch, rows);
    }

    /** The samples at {@code rows}, in that order, normalized, in {@code batch}. */
    NDArray images(NDManager batch, int[] rows) {
      Shape shape = new Shape(rows.length, split.channels(), split.height(), split.width());
      Images images = split.images();
      if (images instanceof CompactImages compact) {
        ByteBuffer bytes = batch.allocateDirect(rows.length * split.imageSize());
        for (int row : rows) {
          compact.read(row, bytes);
        }
        bytes.rewind();
        NDArray raw = batch.create(bytes, shape, DataType.UINT8);
        return raw.toType(DataType.FLOAT32, false).div(255f).sub(mean).div(std);
      }
      int per = split.imageSize();
      float[] values = new float[rows.length * per];
      for (int i = 0; i < rows.length; i++) {
        images.normalized(rows[i], values, i * per);
      }
      return batch.create(values, shape);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
