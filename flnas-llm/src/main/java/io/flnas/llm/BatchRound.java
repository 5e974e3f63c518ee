package io.flnas.llm;

import io.flnas.DesignerException;
import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.design.Proposal;
import io.flnas.space.Template;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One round of the {@link LlmDesigner} with several free slots: one request for all of them, each
 * architecture of the reply checked with its slot's {@link DesignContext#check} and against the
 * others of the round, then re-asks in the same conversation only for the ones that could not be
 * read, break a rule, or duplicate a trial or another architecture of the round, each listed with
 * its problem, asking for exactly that many replacements. Slots still empty after the designer's
 * attempts fail with their last problem; the others stand.
 */
final class BatchRound {
  private final LlmDesigner designer;
  private final List<DesignContext> slots;
  private final Architecture[] accepted;
  private final String[] problems;

  /** Where each accepted architecture came from: hash to {attempt, position}. */
  private final Map<String, int[]> acceptedAt = new HashMap<>();

  BatchRound(LlmDesigner designer, List<DesignContext> slots) {
    this.designer = designer;
    this.slots = List.copyOf(slots);
    this.accepted = new Architecture[slots.size()];
    this.problems = new String[slots.size()];
  }

  List<Proposal> run() {
    DesignContext first = slots.get(0);
    Template template = first.template();
    List<PromptMessage> conversation =
        new ArrayList<>(designer.strategy().messages(first, slots.size()));
    List<Exchange> exchanges = new ArrayList<>();
    List<Integer> open = IntStream.range(0, slots.size()).boxed().collect(Collectors.toList());
    String lastReply = "";
    String stopped = null;
    for (int attempt = 1; attempt <= designer.maxAttempts() && !open.isEmpty(); attempt++) {
      int asked = open.size();
      LlmDesigner.Answer answer;
      try {
        answer = designer.ask(conversation, first, asked, exchanges);
      } catch (DesignerException e) {
        stopped = e.getMessage(); // the provider keeps failing: the empty slots fail with it
        break;
      }
      lastReply = answer.reply();
      List<Template.Parsed> parsed = null;
      String unreadable = null;
      try {
        parsed =
            template.parseAll(
                answer.reply(), first.problem().input(), first.problem().numClasses(), asked);
      } catch (TemplateParseException e) {
        unreadable = "unparseable: " + e.getMessage();
      }
      List<Integer> still = new ArrayList<>();
      List<String> outcomes = new ArrayList<>();
      for (int j = 0; j < asked; j++) {
        int slot = open.get(j);
        String problem = unreadable != null ? unreadable : check(slot, parsed.get(j), attempt);
        outcomes.add("architecture " + (j + 1) + ": " + (problem == null ? "accepted" : problem));
        if (problem != null) {
          problems[slot] = problem;
          still.add(slot);
        }
      }
      exchanges.add(
          designer.exchange(
              attempt,
              conversation,
              answer,
              unreadable != null ? unreadable : String.join("; ", outcomes)));
      if (!still.isEmpty()) {
        conversation.add(PromptMessage.assistant(answer.reply()));
        conversation.add(
            PromptMessage.user(
                unreadable != null
                    ? "Your reply could not be read: "
                        + unreadable.substring("unparseable: ".length())
                        + ". Answer again with exactly "
                        + asked
                        + (asked == 1 ? " architecture. " : " architectures. ")
                        + instructions(first, asked)
                    : feedback(asked, outcomes, still.size(), first)));
      }
      open = still;
    }
    List<Proposal> proposals = new ArrayList<>(slots.size());
    for (int i = 0; i < slots.size(); i++) {
      List<Exchange> attached = i == 0 ? exchanges : List.of();
      proposals.add(
          accepted[i] != null
              ? new Proposal(accepted[i], attached)
              : Proposal.failed(
                  stopped != null ? stopped : designer.noValidArchitecture(problems[i], lastReply),
                  attached));
    }
    return proposals;
  }

  /** Why the architecture at this place of the reply cannot fill the slot, or null when it does. */
  private String check(int slot, Template.Parsed item, int attempt) {
    if (!item.read()) {
      return "unparseable: " + item.reason().orElseThrow();
    }
    Architecture architecture = item.architecture().orElseThrow();
    DesignContext.Check check = slots.get(slot).check(architecture);
    if (!check.accepted()) {
      return check.problem()
          + (check.duplicateOf().isPresent() && check.violations().isEmpty()
              ? check.duplicateOf().get().evaluation().isPresent()
                  ? " (already evaluated)"
                  : " (being evaluated now)"
              : "");
    }
    int[] earlier = acceptedAt.get(architecture.hash());
    if (earlier != null) {
      return earlier[0] == attempt
          ? "duplicate of architecture " + earlier[1] + " in this answer"
          : "duplicate of architecture "
              + earlier[1]
              + " of your answer "
              + earlier[0]
              + ", which was accepted";
    }
    accepted[slot] = architecture;
    acceptedAt.put(architecture.hash(), new int[] {attempt, item.position()});
    return null;
  }

  private static String feedback(int asked, List<String> outcomes, int bad, DesignContext first) {
    StringBuilder text = new StringBuilder();
    text.append(bad).append(" of your ").append(asked).append(" architectures cannot be used:\n");
    for (String outcome : outcomes) {
      if (!outcome.endsWith(": accepted")) {
        text.append("- A").append(outcome.substring(1)).append('\n');
      }
    }
    text.append("Answer again with exactly ")
        .append(bad)
        .append(bad == 1 ? " new architecture to replace it" : " new architectures to replace them")
        .append(
            ", different from every architecture above and from the trials already evaluated"
                + " or being evaluated. ")
        .append(instructions(first, bad));
    return text.toString();
  }

  private static String instructions(DesignContext context, int count) {
    return context
        .template()
        .formatInstructions(context.problem().input(), context.problem().numClasses(), count);
  }
}
