package io.flnas.llm;

import com.google.common.base.Preconditions;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.search.Trial;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.design.PromptStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's three-part prompt: the role (an expert in neural architecture search), the task
 * (follow the template exactly), and the constraints (the dataset and task, the best-so-far
 * architecture rendered by the template with its full metrics paragraph, the deployment target and
 * its budgets, the priorities, the allowed moves within the search space). The dataset and task
 * come from the search's {@link io.flnas.search.Problem}; nothing ISIC-specific is hard-coded. With
 * {@code topK > 0} or {@code failures > 0} it also shows the best trials and the recent rejected or
 * failed proposals with their reasons, so the model does not repeat them.
 */
final class FlNasPromptStrategy implements PromptStrategy {
  private final Priorities priorities;
  private final int topK;
  private final int failures;

  FlNasPromptStrategy(Priorities priorities, int topK, int failures) {
    Preconditions.checkArgument(topK >= 0, "topK must be >= 0, but was %s", topK);
    Preconditions.checkArgument(failures >= 0, "failures must be >= 0, but was %s", failures);
    this.priorities = priorities;
    this.topK = topK;
    this.failures = failures;
  }

  @Override
  public String name() {
    return topK == 0 && failures == 0
        ? "flnas"
        : "flnas+history(top=" + topK + ", failures=" + failures + ")";
  }

  @Override
  public List<PromptMessage> messages(DesignContext context) {
    return messages(context, 1);
  }

  @Override
  public List<PromptMessage> messages(DesignContext context, int count) {
    Preconditions.checkArgument(count > 0, "count must be > 0, but was %s", count);
    String role =
        "You are an expert in neural architecture search. You design convolutional"
            + " neural networks for image classification that are accurate, fair across demographic"
            + " groups, and efficient on the hardware they are deployed to. You reason about which"
            + " layers help the worst-served groups and answer with "
            + (count == 1 ? "one architecture only." : "exactly the architectures asked for.");
    StringBuilder task = new StringBuilder();
    var problem = context.problem();
    task.append("## Task\nDesign a CNN for this dataset and task: ")
        .append(problem.description())
        .append(". Iteration ")
        .append(context.iteration())
        .append(".\n\n");
    task.append("## Template\n")
        .append(context.template().formatInstructions(problem.input(), problem.numClasses(), count))
        .append("\n\n");
    task.append("## Constraints\n");
    if (context.best().isPresent()) {
      Trial best = context.best().get();
      task.append("The best architecture so far (iteration ")
          .append(best.iteration())
          .append("):\n")
          .append(context.template().render(best.architecture().orElseThrow()))
          .append("\n\nIts metrics: ")
          .append(best.result().metricsParagraph())
          .append('\n');
      best.result()
          .validationFairness()
          .worstGroup()
          .ifPresent(
              g -> task.append("The worst-served group is ").append(describe(g)).append(".\n"));
    } else {
      task.append(
          "No architecture has been evaluated yet: propose a strong, simple starting"
              + " point.\n");
    }
    task.append("\nDeployment target: ").append(context.target().promptText()).append("\n\n");
    task.append("Priorities, in order:\n").append(priorities.text()).append("\n\n");
    task.append(
            "Allowed moves: insert or remove convolution layers, change the normalization,"
                + " add or change regularization (dropout), change kernel sizes, filters, activations,"
                + " pooling and residual connections, always within this search space:\n")
        .append(context.space().describe())
        .append('\n');
    if (topK > 0) {
      List<Trial> top = context.top(topK);
      if (!top.isEmpty()) {
        task.append("\n## Best trials so far\n");
        // Under successive halving the figures come from different training lengths: say each
        // one's, so the model never compares a one-epoch accuracy with a nine-epoch one
        // unknowingly.
        boolean mixed = top.stream().map(t -> t.result().epochs()).distinct().count() > 1;
        for (Trial t : top) {
          int epochs = t.result().epochs();
          task.append("- iteration ")
              .append(t.iteration())
              .append(": ")
              .append(t.architecture().orElseThrow().summary())
              .append(
                  String.format(
                      " | accuracy %.2f%%, unfairness %.4f, %,d parameters%s%n",
                      100 * t.result().accuracy(),
                      t.result().unfairness(),
                      t.result().hardware().parameters(),
                      mixed
                          ? ", after "
                              + epochs
                              + (epochs == 1 ? " epoch" : " epochs")
                              + " of training"
                          : ""));
        }
        if (mixed) {
          task.append("(Trials train in rungs: a figure after fewer epochs is not yet final.)\n");
        }
      }
    }
    if (failures > 0) {
      List<Trial> recent = context.recentFailures(failures);
      if (!recent.isEmpty()) {
        task.append("\n## Recent proposals that failed or were rejected (do not repeat them)\n");
        for (Trial t : recent) {
          task.append("- iteration ")
              .append(t.iteration())
              .append(": ")
              .append(t.architecture().map(a -> a.summary()).orElse("(no architecture)"))
              .append(" | ")
              .append(t.reason().orElse(t.status().name().toLowerCase(Locale.ROOT)))
              .append('\n');
        }
      }
    }
    task.append(running(context));
    task.append(
        count == 1
            ? "\nPropose one new architecture that differs from every architecture already evaluated."
            : "\nPropose "
                + count
                + " new architectures that differ from each other and from every"
                + " architecture already evaluated or being evaluated.");
    task.append(" Answer only in the template's format.");
    List<PromptMessage> messages = new ArrayList<>();
    messages.add(PromptMessage.system(role));
    messages.add(PromptMessage.user(task.toString()));
    return messages;
  }

  /** The prompt's section on the trials being evaluated now; empty when none is. */
  static String running(DesignContext context) {
    if (context.running().isEmpty()) {
      return "";
    }
    StringBuilder section = new StringBuilder("\n## Being evaluated now (do not repeat them)\n");
    for (Trial t : context.running()) {
      section
          .append("- trial ")
          .append(t.iteration())
          .append(": ")
          .append(t.architecture().map(a -> a.summary()).orElse("(no architecture)"))
          .append('\n');
    }
    return section.toString();
  }

  private static String describe(GroupAccuracy g) {
    return String.format(
        "%s=%s with %.1f%% accuracy on %d samples",
        g.attribute(), g.group(), 100 * g.accuracy(), g.count());
  }
}
