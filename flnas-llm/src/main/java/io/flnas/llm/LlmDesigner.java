package io.flnas.llm;

import com.google.common.base.Preconditions;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.flnas.DesignerException;
import io.flnas.FlNasException;
import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Designer;
import io.flnas.search.design.DesignerFailure;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.PromptMessage;
import io.flnas.search.design.PromptStrategy;
import io.flnas.search.design.Proposal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The FL-NAS designer: asks a language model for the next architecture and never trusts the reply.
 * Each iteration builds the prompt with a {@link PromptStrategy}, asks the model (with the
 * template's JSON schema as structured output where the model supports it), parses the reply with
 * the template, validates it against the search space and the target's budgets, and on any problem
 * re-asks with the precise parse or validation error in the conversation, up to {@code maxAttempts}
 * times. A reply that repeats an evaluated or running trial is told so. With several free slots in
 * a round it asks for all of them in one request and re-asks only for the bad ones (see {@link
 * #propose(List)}). Candidates are checked by the one core check, {@link DesignContext#check}. Rate
 * limits, timeouts, server errors and an unreachable endpoint (a name that does not resolve, a
 * refused connection, a failed TLS handshake) are retried with bounded exponential backoff; refused
 * credentials, and an endpoint still unreachable after the retries, abort the search with one
 * message that names the endpoint and the cause and never holds the key. Every exchange (messages,
 * reply, model, tokens, latency, attempt, outcome) goes into the trial and so into the journal.
 * Spending limits are stop rules on the search ({@link TokenBudget#asStopRule()}), not the
 * designer's.
 *
 * <pre>{@code
 * Designer gpt4 = LlmDesigner.builder(ChatModels.openAi().build())
 *     .promptStrategy(PromptStrategies.withHistory(3, 3))
 *     .build();
 * Search search = Search.builder(problem, evaluator).designer(gpt4).parallelism(3)
 *     .stopWhen(TokenBudget.tokens(200_000).asStopRule())
 *     .build();
 * }</pre>
 */
public final class LlmDesigner implements Designer {
  private final ConfiguredModel model;
  private final PromptStrategy strategy;
  private final int maxAttempts;
  private final int maxProviderRetries;
  private final Duration backoff;
  private final Sleeper sleeper;
  private final boolean structuredOutput;
  private final Clock clock;

  private LlmDesigner(Builder b) {
    this.model = b.model;
    this.strategy = b.strategy;
    this.maxAttempts = b.maxAttempts;
    this.maxProviderRetries = b.maxProviderRetries;
    this.backoff = b.backoff;
    this.sleeper = b.sleeper;
    this.structuredOutput = b.structuredOutput;
    this.clock = b.clock;
  }

  public static Builder builder(ConfiguredModel model) {
    return new Builder(model);
  }

  @Override
  public String name() {
    return "llm(" + model.modelName() + ", " + strategy.name() + ")";
  }

  @Override
  public Proposal propose(DesignContext context) {
    List<PromptMessage> conversation = new ArrayList<>(strategy.messages(context));
    List<Exchange> exchanges = new ArrayList<>();
    String lastOutcome = "";
    String lastReply = "";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Answer answer = ask(conversation, context, 1, exchanges);
      Architecture accepted = null;
      String feedback;
      String outcome;
      try {
        Architecture architecture =
            context
                .template()
                .parse(answer.reply(), context.problem().input(), context.problem().numClasses());
        DesignContext.Check check = context.check(architecture);
        outcome = check.problem();
        feedback = Feedback.of(check);
        if (check.accepted()) {
          accepted = architecture;
        }
      } catch (TemplateParseException e) {
        outcome = "unparseable: " + e.getMessage();
        feedback =
            "Your reply could not be read as an architecture: "
                + e.getMessage()
                + ". Answer again with only the architecture in the required format.";
      }
      exchanges.add(exchange(attempt, conversation, answer, outcome));
      if (accepted != null) {
        return new Proposal(accepted, exchanges);
      }
      conversation.add(PromptMessage.assistant(answer.reply()));
      conversation.add(PromptMessage.user(feedback));
      lastOutcome = outcome;
      lastReply = answer.reply();
    }
    throw new DesignerFailure(noValidArchitecture(lastOutcome, lastReply), exchanges);
  }

  /**
   * One proposal per free slot. With one slot, {@link #propose(DesignContext)}; with several, one
   * request for all of them, and re-asks in the same conversation only for those that could not be
   * read, break a rule, or duplicate a trial or another architecture of the round. All the round's
   * exchanges go with the first slot's proposal, so their tokens count once.
   */
  @Override
  public List<Proposal> propose(List<DesignContext> slots) {
    return slots.size() <= 1 ? Designer.super.propose(slots) : new BatchRound(this, slots).run();
  }

  /** What the model is told about a candidate that the core check refused. */
  /** A reply and what it cost. */
  record Answer(
      String reply, String model, int inputTokens, int outputTokens, long latencyMillis) {}

  /** Asks the model once (with retries on provider errors) for {@code count} architectures. */
  Answer ask(
      List<PromptMessage> conversation,
      DesignContext context,
      int count,
      List<Exchange> exchanges) {
    long started = clock.millis();
    ChatResponse response = call(request(conversation, context, count), exchanges);
    long latency = clock.millis() - started;
    String reply = Optional.ofNullable(response.aiMessage()).map(AiMessage::text).orElse("");
    TokenUsage usage = response.tokenUsage();
    return new Answer(
        reply == null ? "" : reply,
        response.modelName() != null ? response.modelName() : model.modelName(),
        usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
        usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
        latency);
  }

  /** The record of one request, without secrets. */
  Exchange exchange(int attempt, List<PromptMessage> conversation, Answer answer, String outcome) {
    return new Exchange(
        attempt,
        conversation,
        redact(answer.reply()),
        answer.model(),
        answer.inputTokens(),
        answer.outputTokens(),
        answer.latencyMillis(),
        redact(outcome));
  }

  String noValidArchitecture(String lastProblem, String lastReply) {
    return "no valid architecture from "
        + model.modelName()
        + " after "
        + maxAttempts
        + " attempts; last problem: "
        + redact(lastProblem)
        + "; last reply: "
        + redact(abbreviate(lastReply));
  }

  PromptStrategy strategy() {
    return strategy;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  private ChatRequest request(List<PromptMessage> conversation, DesignContext context, int count) {
    List<ChatMessage> messages = new ArrayList<>();
    for (PromptMessage m : conversation) {
      switch (m.role()) {
        case SYSTEM -> messages.add(SystemMessage.from(m.text()));
        case USER -> messages.add(UserMessage.from(m.text()));
        case ASSISTANT -> messages.add(AiMessage.from(m.text()));
      }
    }
    ChatRequest.Builder request = ChatRequest.builder().messages(messages);
    Optional<String> schema = context.template().jsonSchema(count);
    if (structuredOutput
        && schema.isPresent()
        && model
            .chatModel()
            .supportedCapabilities()
            .contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA)) {
      request.responseFormat(
          ResponseFormat.builder()
              .type(ResponseFormatType.JSON)
              .jsonSchema(
                  JsonSchemas.fromText(
                      count == 1 ? "flnas_architecture" : "flnas_architectures", schema.get()))
              .build());
    }
    return request.build();
  }

  /** One model call with bounded exponential backoff on retriable provider errors. */
  private ChatResponse call(ChatRequest request, List<Exchange> exchanges) {
    for (int retry = 0; ; retry++) {
      try {
        return model.chatModel().chat(request);
      } catch (FlNasException e) {
        throw e;
      } catch (AuthenticationException | ModelNotFoundException e) {
        throw new ModelAccessException(
            "the provider refused access to model "
                + model.modelName()
                + " ("
                + e.getClass().getSimpleName()
                + "): check the API key,"
                + " base URL and model name");
      } catch (RuntimeException e) {
        if (e instanceof HttpException http
            && (http.statusCode() == 401 || http.statusCode() == 403)) {
          throw new ModelAccessException(
              "the provider refused access to model "
                  + model.modelName()
                  + " (HTTP "
                  + http.statusCode()
                  + "): check the API key");
        }
        Optional<Throwable> unreachable = ProviderErrors.unreachable(e);
        boolean retriable =
            e instanceof RetriableException
                || ProviderErrors.isTimeout(e)
                || unreachable.isPresent();
        if (!retriable) {
          throw new DesignerFailure(
              "model " + model.modelName() + " failed: " + redact(String.valueOf(e.getMessage())),
              exchanges);
        }
        if (retry >= maxProviderRetries && unreachable.isPresent()) {
          // Like refused credentials: every later request would fail the same way, so the search
          // stops without consuming the iteration, and the journal can be resumed.
          Throwable cause = unreachable.get();
          throw new ModelAccessException(
              "model endpoint "
                  + redact(model.endpointText())
                  + " is unreachable after "
                  + (retry + 1)
                  + " tries: "
                  + redact(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        }
        if (retry >= maxProviderRetries) {
          throw new DesignerFailure(
              "model "
                  + model.modelName()
                  + " still failing after "
                  + (retry + 1)
                  + " tries ("
                  + e.getClass().getSimpleName()
                  + "): "
                  + redact(String.valueOf(e.getMessage())),
              exchanges);
        }
        long wait = Math.min(60_000, backoff.toMillis() << retry);
        sleeper.sleep(Duration.ofMillis(wait));
      }
    }
  }

  String redact(String text) {
    return Secrets.redact(text, model.secrets());
  }

  private static String abbreviate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
  }

  /** Waits between retries; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper REAL =
        duration -> {
          try {
            Thread.sleep(duration.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DesignerException("interrupted while waiting to retry the model");
          }
        };

    void sleep(Duration duration);
  }

  /** Settings; each validated where it enters. */
  public static final class Builder {
    private final ConfiguredModel model;
    private PromptStrategy strategy = PromptStrategies.flNas();
    private int maxAttempts = 3;
    private int maxProviderRetries = 4;
    private Duration backoff = Duration.ofSeconds(2);
    private Sleeper sleeper = Sleeper.REAL;
    private boolean structuredOutput = true;
    private Clock clock = Clock.systemUTC();

    private Builder(ConfiguredModel model) {
      Preconditions.checkArgument(model != null, "model must not be null");
      this.model = model;
    }

    /** The prompt; default {@link PromptStrategies#flNas()}. */
    public Builder promptStrategy(PromptStrategy value) {
      Preconditions.checkArgument(value != null, "promptStrategy must not be null");
      this.strategy = value;
      return this;
    }

    /** Replies asked for per iteration before it fails; default 3. */
    public Builder maxAttempts(int value) {
      Preconditions.checkArgument(value > 0, "maxAttempts must be > 0, but was %s", value);
      this.maxAttempts = value;
      return this;
    }

    /** Retries of one request on rate limits, timeouts and server errors; default 4. */
    public Builder maxProviderRetries(int value) {
      Preconditions.checkArgument(value >= 0, "maxProviderRetries must be >= 0, but was %s", value);
      this.maxProviderRetries = value;
      return this;
    }

    /** First backoff, doubled per retry and capped at 60 s; default 2 s. */
    public Builder backoff(Duration value) {
      Preconditions.checkArgument(
          value != null && !value.isNegative(), "backoff must be >= 0, but was %s", value);
      this.backoff = value;
      return this;
    }

    /** How to wait between retries; default {@link Sleeper#REAL}. */
    public Builder sleeper(Sleeper value) {
      Preconditions.checkArgument(value != null, "sleeper must not be null");
      this.sleeper = value;
      return this;
    }

    /** Whether to request structured output where the model supports it; default true. */
    public Builder structuredOutput(boolean value) {
      this.structuredOutput = value;
      return this;
    }

    /** The clock that times exchanges; default the system UTC clock. */
    public Builder clock(Clock value) {
      Preconditions.checkArgument(value != null, "clock must not be null");
      this.clock = value;
      return this;
    }

    public LlmDesigner build() {
      return new LlmDesigner(this);
    }
  }
}
