package io.flnas.llm;

import com.google.common.base.Preconditions;
import io.flnas.search.Trial;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Islands;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.design.PromptStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The language model as the mutation and crossover operator of a population (FunSearch, OpenEvolve,
 * ShinkaEvolve): each request shows one parent, drawn by tournament from the island that designs
 * this trial ({@link Islands}), and a few inspirations from the MAP-Elites archive, and asks for a
 * child that changes the parent in a few places and may borrow from the inspirations. While the
 * island is still empty it asks as the paper's prompt does.
 *
 * <p>Everything it shows follows from the history and the trial's seeded generator, so it is seeded
 * and resumable like the search; what it asked and what came back are journaled with the trial by
 * the {@link LlmDesigner} that uses it.
 */
final class EvolutionPromptStrategy implements PromptStrategy {
  private final Islands.Settings settings;
  private final int inspirations;
  private final PromptStrategy opening;

  EvolutionPromptStrategy(Islands.Settings settings, int inspirations, PromptStrategy opening) {
    Preconditions.checkArgument(
        inspirations >= 0, "inspirations must be >= 0, but was %s", inspirations);
    this.settings = settings;
    this.inspirations = inspirations;
    this.opening = opening;
  }

  @Override
  public String name() {
    return "evolution(islands="
        + settings.islands()
        + ", migration="
        + settings.migrationInterval()
        + ", tournament="
        + settings.tournament()
        + ", inspirations="
        + inspirations
        + ", archive="
        + settings.x().name()
        + "x"
        + settings.y().name()
        + ")";
  }

  @Override
  public List<PromptMessage> messages(DesignContext context) {
    Islands islands =
        Islands.of(context.history(), settings, context.objective(), context.target());
    int island = islands.islandOf(context.iteration());
    Optional<Trial> parent = islands.parent(island, context.random());
    if (parent.isEmpty()) {
      return opening.messages(context);
    }
    List<Trial> borrowed = islands.inspirations(parent.get(), inspirations, context.random());
    var problem = context.problem();
    var template = context.template();
    String role =
        "You are an expert in neural architecture search acting as the mutation and"
            + " crossover operator of an evolutionary search. You receive one parent architecture"
            + " and a few diverse inspirations with their measured figures, and answer with one"
            + " child architecture only.";
    StringBuilder task = new StringBuilder();
    task.append("## Task\nDesign a CNN for this dataset and task: ")
        .append(problem.description())
        .append(". Trial ")
        .append(context.iteration())
        .append(", island ")
        .append(island + 1)
        .append(" of ")
        .append(settings.islands())
        .append(".\n\n");
    task.append("## Template\n")
        .append(template.formatInstructions(problem.input(), problem.numClasses()))
        .append("\n\n");
    Trial p = parent.get();
    task.append("## Parent (trial ")
        .append(p.iteration())
        .append(")\n")
        .append(template.render(p.architecture().orElseThrow()))
        .append("\n\nIts metrics: ")
        .append(p.result().metricsParagraph())
        .append("\n\n");
    if (!borrowed.isEmpty()) {
      task.append("## Inspirations (the best of other regions of ")
          .append(settings.x().name())
          .append(" and ")
          .append(settings.y().name())
          .append(")\n");
      for (Trial t : borrowed) {
        task.append("- trial ")
            .append(t.iteration())
            .append(": ")
            .append(t.architecture().orElseThrow().summary())
            .append(" | ")
            .append(t.result().metricsParagraph())
            .append('\n');
      }
      task.append('\n');
    }
    task.append("Deployment target: ").append(context.target().promptText()).append("\n\n");
    task.append("Search space:\n").append(context.space().describe()).append('\n');
    task.append(FlNasPromptStrategy.running(context)).append('\n');
    task.append(
        "Write the child: change the parent in one to three places (a layer's"
            + " operation, size or kernel, a normalization, a connection), and borrow a part of an"
            + " inspiration where it promises better figures. It must differ from the parent, the"
            + " inspirations and every architecture already evaluated, and stay within the search"
            + " space and the target's budgets. Answer only in the template's format.");
    List<PromptMessage> messages = new ArrayList<>();
    messages.add(PromptMessage.system(role));
    messages.add(PromptMessage.user(task.toString()));
    return messages;
  }
}
