package io.flnas.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.flnas.BudgetExhaustedException;
import io.flnas.DesignerException;
import io.flnas.search.Trial;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.journal.Journal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat model that answers from a recorded journal, reply after reply in the order they were
 * recorded, so a published search re-runs exactly without an API key. With {@code strict}, each
 * request's last user message must equal the recorded one (a prompt that drifted, for example
 * because an evaluation differs, is reported with the exchange it diverged at). When the recorded
 * replies run out, the search stops cleanly.
 */
public final class ReplayChatModel implements ChatModel {
  private final List<Exchange> recorded;
  private final boolean strict;
  private final String source;
  private int next;

  private ReplayChatModel(List<Exchange> recorded, boolean strict, String source) {
    this.recorded = List.copyOf(recorded);
    this.strict = strict;
    this.source = source;
  }

  /** Every exchange of the journal's trials, in iteration and attempt order. */
  public static ReplayChatModel fromJournal(Path journal, boolean strict) {
    List<Exchange> exchanges = new ArrayList<>();
    for (Trial trial : Journal.readTrials(journal)) {
      exchanges.addAll(trial.exchanges());
    }
    if (exchanges.isEmpty()) {
      throw new DesignerException("journal " + journal + " holds no model exchanges to replay");
    }
    return new ReplayChatModel(exchanges, strict, journal.toString());
  }

  /** The model the journal recorded, to name the replayed designer exactly as the original. */
  public String recordedModelName() {
    return recorded.get(0).model();
  }

  /** A configured model named as recorded. */
  public ConfiguredModel configured() {
    return ConfiguredModel.of(this, recordedModelName());
  }

  /** Replies served so far. */
  public synchronized int served() {
    return next;
  }

  @Override
  public synchronized ChatResponse doChat(ChatRequest request) {
    if (next >= recorded.size()) {
      throw new BudgetExhaustedException(
          "the replay journal "
              + source
              + " has no more recorded"
              + " replies ("
              + recorded.size()
              + " served)");
    }
    Exchange exchange = recorded.get(next);
    if (strict) {
      String sent = lastUserText(request.messages());
      String expected = lastUser(exchange.messages());
      if (!sent.equals(expected)) {
        throw new DesignerException(
            "replay diverged at recorded exchange "
                + (next + 1)
                + " (attempt "
                + exchange.attempt()
                + "): the prompt differs from the recorded one");
      }
    }
    next++;
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(exchange.reply()))
        .modelName(exchange.model())
        .tokenUsage(new TokenUsage(exchange.inputTokens(), exchange.outputTokens()))
        .build();
  }

  private static String lastUserText(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage user) {
        return user.singleText();
      }
    }
    return "";
  }

  private static String lastUser(List<PromptMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == PromptMessage.Role.USER) {
        return messages.get(i).text();
      }
    }
    return "";
  }
}
