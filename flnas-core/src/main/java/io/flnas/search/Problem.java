package io.flnas.search;

import com.google.common.base.Preconditions;
import io.flnas.arch.Shape;

/**
 * The dataset and task a search designs for: a description for the prompt (it is a parameter, not
 * hard-coded ISIC text), the input shape of one image and the number of classes.
 */
public record Problem(String description, Shape input, int numClasses) {
  public Problem {
    Preconditions.checkArgument(
        description != null && !description.isBlank(), "problem description must not be blank");
    Preconditions.checkArgument(input != null && !input.flat(), "input must be an image shape");
    Preconditions.checkArgument(numClasses > 1, "numClasses must be > 1, but was %s", numClasses);
  }
}
