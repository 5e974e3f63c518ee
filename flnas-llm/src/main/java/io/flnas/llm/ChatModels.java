package io.flnas.llm;

import com.google.common.base.Preconditions;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.List;

/**
 * Factories for the chat models FL-NAS uses: OpenAI's GPT-4 family (the paper's designer; any
 * OpenAI-compatible endpoint through the base URL, e.g. an Azure or proxy gateway) and Ollama.
 * Provider retries are off: the {@link LlmDesigner} retries with its own bounded backoff and
 * records every attempt. Request logging stays off so keys and prompts never reach logs.
 *
 * <pre>{@code
 * ConfiguredModel gpt4 = ChatModels.openAi().build();            // OPENAI_API_KEY, gpt-4o
 * ConfiguredModel local = ChatModels.ollama().modelName("llama3.1").build();
 * }</pre>
 */
public final class ChatModels {
  /** The default OpenAI model: a GPT-4-family model. */
  public static final String DEFAULT_OPENAI_MODEL = "gpt-4o";

  public static final String DEFAULT_OPENAI_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_OLLAMA_URL = "http://localhost:11434";

  private ChatModels() {}

  private static String checkName(String value) {
    Preconditions.checkArgument(value != null && !value.isBlank(), "modelName must not be blank");
    return value;
  }

  private static String checkUrl(String value) {
    Preconditions.checkArgument(
        value != null && value.startsWith("http"),
        "baseUrl must be an http(s) URL, but was %s",
        value);
    return value;
  }

  private static Duration checkTimeout(Duration value) {
    Preconditions.checkArgument(
        value != null && !value.isNegative() && !value.isZero(),
        "timeout must be positive, but was %s",
        value);
    return value;
  }

  public static OpenAi openAi() {
    return new OpenAi();
  }

  public static Ollama ollama() {
    return new Ollama();
  }

  /** Settings of an OpenAI chat model. */
  public static final class OpenAi {
    private String apiKey;
    private String modelName = DEFAULT_OPENAI_MODEL;
    private String baseUrl = DEFAULT_OPENAI_URL;
    private Duration timeout = Duration.ofMinutes(2);
    private boolean structuredOutput = true;
    private Double temperature = 0.7;

    private OpenAi() {}

    /** The API key; default the {@code OPENAI_API_KEY} environment variable. */
    public OpenAi apiKey(String value) {
      Preconditions.checkArgument(value != null && !value.isBlank(), "apiKey must not be blank");
      this.apiKey = value;
      return this;
    }

    /** Default {@value #DEFAULT_OPENAI_MODEL}. */
    public OpenAi modelName(String value) {
      this.modelName = checkName(value);
      return this;
    }

    /** An OpenAI-compatible endpoint; default {@value #DEFAULT_OPENAI_URL}. */
    public OpenAi baseUrl(String value) {
      this.baseUrl = checkUrl(value);
      return this;
    }

    /** Per-request timeout; default 120 s. */
    public OpenAi timeout(Duration value) {
      this.timeout = checkTimeout(value);
      return this;
    }

    /**
     * Whether to request JSON-schema structured output when the template has a schema; default
     * true.
     */
    public OpenAi structuredOutput(boolean value) {
      this.structuredOutput = value;
      return this;
    }

    /** Sampling temperature; default 0.7. */
    public OpenAi temperature(double value) {
      Preconditions.checkArgument(
          value >= 0 && value <= 2, "temperature must be in [0, 2], but" + " was %s", value);
      this.temperature = value;
      return this;
    }

    /**
     * The chat model these settings describe.
     *
     * @throws ModelAccessException when no key is given and {@code OPENAI_API_KEY} is unset
     */
    public ConfiguredModel build() {
      String key = apiKey != null ? apiKey : System.getenv("OPENAI_API_KEY");
      if (key == null || key.isBlank()) {
        throw new ModelAccessException("no OpenAI API key: pass one or set OPENAI_API_KEY");
      }
      OpenAiChatModel.OpenAiChatModelBuilder builder =
          OpenAiChatModel.builder()
              .apiKey(key)
              .modelName(modelName)
              .baseUrl(baseUrl)
              .timeout(timeout)
              .maxRetries(0)
              .temperature(temperature)
              .logRequests(false)
              .logResponses(false);
      if (structuredOutput) {
        builder
            .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
            .strictJsonSchema(false);
      }
      return new ConfiguredModel(builder.build(), modelName, List.of(key), baseUrl);
    }
  }

  /** Settings of an Ollama chat model. */
  public static final class Ollama {
    private String baseUrl = DEFAULT_OLLAMA_URL;
    private String modelName = "llama3.1";
    private Duration timeout = Duration.ofMinutes(5);
    private boolean structuredOutput = true;

    private Ollama() {}

    /** Default {@value #DEFAULT_OLLAMA_URL}. */
    public Ollama baseUrl(String value) {
      this.baseUrl = checkUrl(value);
      return this;
    }

    /** Default {@code llama3.1}. */
    public Ollama modelName(String value) {
      this.modelName = checkName(value);
      return this;
    }

    /** Per-request timeout; default 300 s. */
    public Ollama timeout(Duration value) {
      this.timeout = checkTimeout(value);
      return this;
    }

    /** Whether to send the template's JSON schema as Ollama's {@code format}; default true. */
    public Ollama structuredOutput(boolean value) {
      this.structuredOutput = value;
      return this;
    }

    public ConfiguredModel build() {
      var builder =
          OllamaChatModel.builder()
              .baseUrl(baseUrl)
              .modelName(modelName)
              .timeout(timeout)
              .maxRetries(0)
              .logRequests(false);
      if (structuredOutput) {
        builder.supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
      }
      return new ConfiguredModel(builder.build(), "ollama:" + modelName, List.of(), baseUrl);
    }
  }
}
