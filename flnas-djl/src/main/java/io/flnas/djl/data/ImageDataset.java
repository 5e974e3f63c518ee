package io.flnas.djl.data;

import com.google.common.base.Preconditions;
import io.flnas.arch.Shape;
import io.flnas.search.Problem;
import java.util.List;

/**
 * A labelled image dataset with sensitive attributes, split into train, validation and test, held
 * on the host decoded and normalized once; the evaluator copies it to the device once per search.
 *
 * @param name short name, e.g. {@code "synthetic"}
 * @param description the dataset and task, as the prompt describes it
 * @param classes class names in label order
 * @param skipped samples skipped while loading (undecodable images under the skip policy)
 */
public record ImageDataset(
    String name,
    String description,
    List<String> classes,
    Split train,
    Split validation,
    Split test,
    int skipped) {
  public ImageDataset {
    classes = List.copyOf(classes);
    Preconditions.checkArgument(classes.size() > 1, "a dataset needs at least 2 classes");
    Preconditions.checkArgument(
        train.count() > 0 && validation.count() > 0 && test.count() > 0,
        "every split needs samples, but had %s/%s/%s",
        train.count(),
        validation.count(),
        test.count());
  }

  public Shape input() {
    return Shape.image(train.channels(), train.height(), train.width());
  }

  public int numClasses() {
    return classes.size();
  }

  /** The search's problem: this dataset's description, input shape and classes. */
  public Problem problem() {
    return new Problem(description, input(), numClasses());
  }

  public int size() {
    return train.count() + validation.count() + test.count();
  }

  /** ImageNet channel means, used to normalize RGB pixels in [0, 1]. */
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};

  /** ImageNet channel standard deviations. */
  static final float[] STD = {0.229f, 0.224f, 0.225f};
}
