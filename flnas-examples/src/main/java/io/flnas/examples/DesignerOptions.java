package io.flnas.examples;

import io.flnas.JournalMismatchException;
import io.flnas.llm.ChatModels;
import io.flnas.llm.ConfiguredModel;
import io.flnas.llm.LlmDesigner;
import io.flnas.llm.ReplayChatModel;
import io.flnas.search.Search;
import io.flnas.search.design.Designer;
import io.flnas.search.design.Designers;
import io.flnas.search.journal.Fingerprints;
import io.flnas.search.journal.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The command line's designer options, and the designer a plan's design settings name. */
final class DesignerOptions {
  /** The designers named by a word, as {@code --designer} takes them (besides replay). */
  static final List<String> NAMED =
      List.of("llm", "llm-evolution", "evolution", "surrogate", "random");

  /** Every designer {@code --designer} takes, as its usage errors list them. */
  static final List<String> DESIGNERS =
      List.of("llm", "llm-evolution", "evolution", "surrogate", "random", "replay:<journal>");

  @Option(
      names = "--designer",
      paramLabel = "DESIGNER",
      description =
          "llm (GPT-4 family through LangChain4j; needs OPENAI_API_KEY or an Ollama"
              + " --model), llm-evolution (the model as mutation operator of islands with a MAP-Elites"
              + " archive), evolution (regularized evolution), surrogate (cost-prior local search with a"
              + " ridge surrogate), random, or replay:<journal> (re-run the"
              + " model replies recorded in a journal). Default: llm when OPENAI_API_KEY is set,"
              + " otherwise evolution.")
  String designer;

  @Option(
      names = "--model",
      defaultValue = ChatModels.DEFAULT_OPENAI_MODEL,
      paramLabel = "NAME",
      description =
          "Chat model of the llm designer: an OpenAI model name, or ollama:<name> for a"
              + " local Ollama model. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description =
          "Endpoint of the model: an OpenAI-compatible base URL (Azure, a proxy) or the"
              + " Ollama URL. Default: the provider's own.")
  String baseUrl;

  @Option(
      names = "--provider-retries",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Retries of a model request that hit a rate limit, a server error, a timeout"
              + " or an unreachable endpoint, with exponential backoff from 2 s. Default:"
              + " ${DEFAULT-VALUE}.")
  int providerRetries;

  /**
   * The options as the plan's design settings; without {@code --designer}, the designer the
   * environment and {@code --model} choose (see {@link #defaultReason}).
   */
  RunPlan.Design plan() {
    String chosen =
        designer != null ? designer : hasKey() || model.startsWith("ollama:") ? "llm" : "evolution";
    return new RunPlan.Design(chosen, model, baseUrl, providerRetries);
  }

  /** Why the designer is what it is when {@code --designer} was not given. */
  static String defaultReason(String model) {
    return hasKey()
        ? "OPENAI_API_KEY is set"
        : model.startsWith("ollama:")
            ? "an Ollama model was named"
            : "OPENAI_API_KEY is not set; set it, or pass --model"
                + " ollama:<name>, to design with a language model";
  }

  /** Whether {@code OPENAI_API_KEY} holds a key. */
  static boolean hasKey() {
    String key = System.getenv("OPENAI_API_KEY");
    return key != null && !key.isBlank();
  }

  /** The chat model {@code --model} and {@code --base-url} name: OpenAI's, or ollama:<name>. */
  static ConfiguredModel chatModel(String model, String baseUrl) {
    if (model.startsWith("ollama:")) {
      var ollama = ChatModels.ollama().modelName(model.substring("ollama:".length()));
      return (baseUrl == null ? ollama : ollama.baseUrl(baseUrl)).build();
    }
    var openAi = ChatModels.openAi().modelName(model);
    return (baseUrl == null ? openAi : openAi.baseUrl(baseUrl)).build();
  }

  /** The designer a plan names. */
  static Designer create(RunPlan.Design plan) {
    String model = plan.model();
    String baseUrl = plan.baseUrl();
    switch (plan.designer()) {
      case "evolution":
        return Designers.evolution();
      case "random":
        return Designers.random();
      case "surrogate":
        return Designers.surrogate();
      case "llm":
        return LlmDesigner.builder(chatModel(model, baseUrl))
            .maxProviderRetries(plan.providerRetries())
            .build();
      case "llm-evolution":
        return LlmDesigner.builder(chatModel(model, baseUrl))
            .promptStrategy(io.flnas.llm.PromptStrategies.evolution())
            .maxProviderRetries(plan.providerRetries())
            .build();
      default:
        {
          Path recorded = replayJournal(plan).orElseThrow();
          if (!Files.isRegularFile(recorded)) {
            throw new UsageException("--designer replay: journal " + recorded + " does not exist");
          }
          try {
            return LlmDesigner.builder(ReplayChatModel.fromJournal(recorded, false).configured())
                .build();
          } catch (io.flnas.DesignerException | JournalMismatchException e) {
            throw new UsageException("--designer replay: " + e.getMessage());
          }
        }
    }
  }

  private static Optional<Path> replayJournal(RunPlan.Design plan) {
    return plan.designer().startsWith("replay:")
        ? Optional.of(Path.of(plan.designer().substring("replay:".length())))
        : Optional.empty();
  }

  /** A replay must come from a search with the same data, seed, space, template and target. */
  static void checkReplay(RunPlan.Design plan, Search search) {
    Optional<Path> replayJournal = replayJournal(plan);
    if (replayJournal.isEmpty()) {
      return;
    }
    Map<String, String> recorded = new LinkedHashMap<>();
    Map<String, String> current = new LinkedHashMap<>();
    Map<String, String> journalFingerprint = Journal.readFingerprint(replayJournal.get());
    for (String key :
        List.of("problem", "seed", "search_space", "template", "target", "objective")) {
      recorded.put(key, String.valueOf(journalFingerprint.get(key)));
      current.put(key, search.fingerprint().get(key));
    }
    String differences = Fingerprints.differences(recorded, "journal", current, "this run");
    if (!differences.isEmpty()) {
      throw new UsageException(
          "replay journal "
              + replayJournal.get()
              + " comes from another"
              + " configuration: "
              + differences);
    }
  }
}
