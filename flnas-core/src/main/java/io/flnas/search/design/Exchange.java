package io.flnas.search.design;

import java.util.List;

/**
 * One request to a language model and its reply, as recorded in the trial and the journal: the
 * messages sent, the reply text, the model, token usage, latency, the attempt number within the
 * iteration, and the outcome ({@code "accepted"} or why the reply was refused). Never holds a key.
 */
public record Exchange(
    int attempt,
    List<PromptMessage> messages,
    String reply,
    String model,
    int inputTokens,
    int outputTokens,
    long latencyMillis,
    String outcome) {
  public Exchange {
    messages = List.copyOf(messages);
    reply = reply == null ? "" : reply;
    model = model == null ? "" : model;
    outcome = outcome == null ? "" : outcome;
  }

  public int totalTokens() {
    return inputTokens + outputTokens;
  }
}
