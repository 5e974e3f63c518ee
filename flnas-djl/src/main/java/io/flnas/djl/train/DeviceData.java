package io.flnas.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.Split;

/**
 * A dataset's splits as tensors on one device, created once and shared by every candidate of a
 * search; closing it frees them. Labels are float32 class indices, as DJL's sparse softmax
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

  /** Images and labels of one split. */
  static final class Tensors {
    final Split split;
    final NDArray images;
    final NDArray labels;

    Tensors(NDManager manager, Split split) {
      this.split = split;
      images =
          manager.create(
              split.pixels(),
              new Shape(split.count(), split.channels(), split.height(), split.width()));
      float[] labelValues = new float[split.count()];
      for (int i = 0; i < labelValues.length; i++) {
        labelValues[i] = split.labels()[i];
      }
      labels = manager.create(labelValues);
    }

    int count() {
      return split.count();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
