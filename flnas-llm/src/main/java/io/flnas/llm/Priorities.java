package io.flnas.llm;

import com.google.common.base.Preconditions;

/**
 * What the designer is told to care about, in order. The default is the paper's: fairness first
 * without lowering accuracy, lifting the worst-served group; accuracy second; hardware cost last,
 * within the target's budgets.
 */
public record Priorities(String text) {
  public Priorities {
    Preconditions.checkArgument(text != null && !text.isBlank(), "priorities must not be blank");
  }

  public static Priorities paper() {
    return new Priorities(
        """
        1. Fairness: lower the unfairness (the mean gap between each group's accuracy and the \
        overall accuracy) and the EODD, EOPP1 and EOPP2 gaps, and lift the accuracy of the \
        worst-served group, without lowering the overall accuracy.
        2. Accuracy: keep the validation accuracy at least as high as the best so far; raise it \
        where you can.
        3. Hardware cost matters least: parameters, latency and memory only have to stay within \
        the deployment target's budgets.""");
  }
}
