package io.flnas.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.cluster.WorkSpec;
import io.flnas.djl.train.Precision;
import io.flnas.search.promote.Halving;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.DeploymentTargets;
import io.flnas.space.Template;
import io.flnas.space.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One run of the program as a value: every setting {@code flnas --help} shows for a search, each
 * checked where it enters with the message its option gives, a plan read from a file included.
 * {@link FlNasMain} makes one from the options, {@link PlanRunner} runs it and keeps it in the run
 * folder as {@value #FILE}, and {@code flnas --plan} reads that back to repeat the run.
 *
 * <p>Secrets are no settings: the OpenAI key and the cluster secret come from the environment and
 * have no place here, so a plan file can be shared with the run folder. A {@code --base-url} that
 * carries credentials is refused for the same reason.
 *
 * <p>In the file, each section holds its options by their names ({@code "max-epochs": 4}); a
 * setting whose default is decided at run time ({@code --parallel}, {@code --worker-threads}) or
 * that is off ({@code --halving}, {@code --prescreen}, {@code --base-url}) is {@code null}.
 *
 * <pre>{@code
 * RunPlan plan = RunPlan.read(Path.of("flnas-runs/run-1/run-plan.json"));
 * List<String> args = plan.arguments(); // the same run as a command line
 * }</pre>
 */
record RunPlan(
    Search search, Design design, Training training, Costs costs, Cluster cluster, Output output) {
  /** The name of the plan in a run folder. */
  static final String FILE = "run-plan.json";

  /** The options that say where a run goes rather than what it does; a repeat takes them anew. */
  static final List<String> FOLDER_OPTIONS = List.of("--out", "--resume");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  RunPlan {
    check(
        search != null
            && design != null
            && training != null
            && costs != null
            && cluster != null
            && output != null,
        "a run plan needs every section: search, design," + " training, costs, cluster and output");
    Optional<Halving> halving = costs.schedule();
    if (halving.isPresent() && halving.get().maxEpochs() > training.maxEpochs()) {
      throw new UsageException(
          "--halving "
              + costs.halving()
              + " trains up to "
              + halving.get().maxEpochs()
              + " epochs, more than --max-epochs "
              + training.maxEpochs());
    }
  }

  /**
   * What the search does.
   *
   * @param baselines the baselines' names; empty for none
   */
  record Search(int iterations, long seed, List<String> baselines, String target, String template) {
    Search {
      check(iterations > 0, "--iterations must be > 0, but was " + iterations);
      baselines = List.copyOf(required(baselines, "--baselines"));
      for (String name : baselines) {
        boolean known =
            ReferenceArchitectures.NAMES.stream()
                .anyMatch(
                    n ->
                        n.replace("_", "")
                            .equalsIgnoreCase(name.replace("_", "").replace("-", "")));
        check(
            known,
            "unknown baseline '"
                + name
                + "' in --baselines; expected names from "
                + ReferenceArchitectures.NAMES
                + " or none");
      }
      parse(() -> DeploymentTargets.byName(required(target, "--target")), "--target");
      parse(() -> Templates.byName(required(template, "--template")), "--template");
    }

    DeploymentTarget deploymentTarget() {
      return DeploymentTargets.byName(target);
    }

    Template format() {
      return Templates.byName(template);
    }
  }

  /**
   * Who designs the architectures: the designer (decided from the environment when {@code
   * --designer} was not given, and then recorded) and the chat model of the llm designers.
   *
   * @param baseUrl the model's endpoint; null for the provider's own
   */
  record Design(String designer, String model, String baseUrl, int providerRetries) {
    /** A URL with user-info before its host: {@code https://user:password@host}. */
    private static final Pattern CREDENTIALS = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/]*@");

    Design {
      check(providerRetries >= 0, "--provider-retries must be >= 0, but was " + providerRetries);
      required(designer, "--designer");
      check(
          DesignerOptions.NAMED.contains(designer) || designer.startsWith("replay:"),
          "unknown --designer '" + designer + "'; expected one of " + DesignerOptions.DESIGNERS);
      required(model, "--model");
      check(
          baseUrl == null || !CREDENTIALS.matcher(baseUrl).find(),
          "--base-url must not carry"
              + " credentials (user:password@): the key comes from OPENAI_API_KEY, and the URL is"
              + " written into "
              + FILE);
    }
  }

  /** The data, and how each model is trained on it. */
  record Training(
      String data, int samples, int imageSize, int maxEpochs, int threads, boolean allowDownload) {
    Training {
      check(maxEpochs > 0, "--max-epochs must be > 0, but was " + maxEpochs);
      check(imageSize >= 8, "--image-size must be >= 8, but was " + imageSize);
      check(samples >= 40, "--samples must be >= 40, but was " + samples);
      check(threads >= 0, "--threads must be >= 0, but was " + threads);
      required(data, "--data");
      check(
          data.equals("synthetic") || data.startsWith("isic:"),
          "unknown --data '" + data + "'; expected synthetic or isic:<dir>");
    }
  }

  /**
   * The cost levers: successive halving, the zero-cost pre-screen and the number format.
   *
   * @param halving {@code MIN,ETA,MAX} as given; null for off
   * @param prescreen proposals per free slot; null for off
   */
  record Costs(String halving, String halvingMode, Integer prescreen, String precision) {
    Costs {
      schedule(halving, required(halvingMode, "--halving-mode"));
      numberFormat(required(precision, "--precision"));
      check(
          prescreen == null || prescreen >= 1,
          "--prescreen must be >= 1 proposals per slot," + " but was " + prescreen);
    }

    /** The halving schedule, if any. */
    Optional<Halving> schedule() {
      return schedule(halving, halvingMode);
    }

    Precision numberFormat() {
      return numberFormat(precision);
    }

    private static Optional<Halving> schedule(String halving, String halvingMode) {
      Halving.Mode mode =
          switch (halvingMode.toLowerCase(Locale.ROOT)) {
            case "async" -> Halving.Mode.ASYNC;
            case "sync" -> Halving.Mode.SYNC;
            default ->
                throw new UsageException(
                    "--halving-mode must be async or sync, but was '" + halvingMode + "'");
          };
      if (halving == null) {
        return Optional.empty();
      }
      String[] parts = halving.split(",", -1);
      if (parts.length != 3) {
        throw new UsageException(
            "--halving takes MIN,ETA,MAX (e.g. 1,3,9), but was '" + halving + "'");
      }
      int[] values = new int[3];
      for (int i = 0; i < 3; i++) {
        try {
          values[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new UsageException(
              "--halving takes three whole numbers MIN,ETA,MAX, but '"
                  + parts[i]
                  + "' in '"
                  + halving
                  + "' is not one");
        }
      }
      try {
        return Optional.of(Halving.of(values[0], values[1], values[2]).mode(mode));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--halving " + halving + ": " + e.getMessage());
      }
    }

    private static Precision numberFormat(String precision) {
      return switch (precision.toLowerCase(Locale.ROOT)) {
        case "fp32" -> Precision.FP32;
        case "bf16" -> Precision.BF16;
        default ->
            throw new UsageException(
                "--precision must be fp32 or bf16, but was '" + precision + "'");
      };
    }
  }

  /**
   * Where trials train: in this process, on {@code workers} local worker processes, or on the
   * running workers that {@code members} name.
   *
   * @param parallel trials in flight; null for the number of workers (1 without)
   * @param members the members to join; empty for none
   * @param workerThreads PyTorch threads of each local worker; null for the processors divided
   *     among the workers
   */
  record Cluster(
      int workers,
      Integer parallel,
      List<String> members,
      String bind,
      boolean trustedNetwork,
      int port,
      String clusterName,
      Integer workerThreads,
      int workerMaxTrials,
      int workerMaxRssMb) {
    Cluster {
      members = List.copyOf(required(members, "--members"));
      required(bind, "--bind");
      required(clusterName, "--cluster-name");
      check(workers >= 0, "--workers must be >= 0, but was " + workers);
      check(
          workers == 0 || members.isEmpty(),
          "--workers starts local workers and --members" + " uses running ones; give one of them");
      check(parallel == null || parallel >= 1, "--parallel must be >= 1, but was " + parallel);
      check(
          parallel == null || parallel == 1 || workers > 0 || !members.isEmpty(),
          "--parallel "
              + parallel
              + " needs workers (--workers or --members): a DJL evaluator trains one"
              + " model at a time in a process");
      check(
          workerThreads == null || workerThreads >= 0,
          "--worker-threads must be >= 0, but was " + workerThreads);
    }

    /** Whether trials train on workers rather than in this process. */
    boolean clustered() {
      return workers > 0 || !members.isEmpty();
    }

    /** Trials in flight for a cluster of {@code slots} workers. */
    int parallelism(int slots) {
      return parallel != null ? parallel : Math.max(1, slots);
    }
  }

  /** The run folder, and what the console shows. */
  record Output(String out, boolean resume, boolean noProgress, boolean verbose) {
    Output {
      required(out, "--out");
    }

    Path folder() {
      return Path.of(out);
    }
  }

  /** What every worker of the run evaluates with, and the dataset this process builds. */
  WorkSpec workSpec() {
    return WorkSpec.djl(
            training.data(),
            training.samples(),
            training.imageSize(),
            search.seed(),
            training.maxEpochs(),
            2)
        .withPrecision(costs.numberFormat().name().toLowerCase(Locale.ROOT));
  }

  /** The same plan with the run in another folder. */
  RunPlan withOutput(Output value) {
    return new RunPlan(search, design, training, costs, cluster, value);
  }

  /**
   * The plan as options, in {@code --help}'s order: each option's name and the values after it
   * (none for a switch). Every setting is spelled out, defaults included, so the line stays the
   * same run when a default changes; a switch that is off and a setting that is null are left out,
   * which means the same.
   */
  Map<String, List<String>> options() {
    Map<String, List<String>> options = new LinkedHashMap<>();
    options.put("--iterations", List.of(String.valueOf(search.iterations())));
    options.put("--seed", List.of(String.valueOf(search.seed())));
    options.put(
        "--baselines",
        List.of(search.baselines().isEmpty() ? "none" : String.join(",", search.baselines())));
    options.put("--target", List.of(search.target()));
    options.put("--template", List.of(search.template()));
    options.put("--out", List.of(output.out()));
    switchOn(options, "--resume", output.resume());
    options.put("--threads", List.of(String.valueOf(training.threads())));
    switchOn(options, "--no-progress", output.noProgress());
    switchOn(options, "--allow-download", training.allowDownload());
    switchOn(options, "--verbose", output.verbose());
    options.put("--data", List.of(training.data()));
    options.put("--image-size", List.of(String.valueOf(training.imageSize())));
    options.put("--samples", List.of(DataOptions.samplesOption(training.samples())));
    options.put("--max-epochs", List.of(String.valueOf(training.maxEpochs())));
    options.put("--designer", List.of(design.designer()));
    options.put("--model", List.of(design.model()));
    ifSet(options, "--base-url", design.baseUrl());
    options.put("--provider-retries", List.of(String.valueOf(design.providerRetries())));
    options.put("--workers", List.of(String.valueOf(cluster.workers())));
    ifSet(options, "--parallel", cluster.parallel());
    if (!cluster.members().isEmpty()) {
      options.put("--members", List.of(String.join(",", cluster.members())));
    }
    options.put("--bind", List.of(cluster.bind()));
    switchOn(options, "--trusted-network", cluster.trustedNetwork());
    options.put("--port", List.of(String.valueOf(cluster.port())));
    options.put("--cluster-name", List.of(cluster.clusterName()));
    ifSet(options, "--worker-threads", cluster.workerThreads());
    options.put("--worker-max-trials", List.of(String.valueOf(cluster.workerMaxTrials())));
    options.put("--worker-max-rss-mb", List.of(String.valueOf(cluster.workerMaxRssMb())));
    ifSet(options, "--halving", costs.halving());
    options.put("--halving-mode", List.of(costs.halvingMode()));
    ifSet(options, "--prescreen", costs.prescreen());
    options.put("--precision", List.of(costs.precision()));
    return options;
  }

  /** {@link #options()} as one argument list. */
  List<String> arguments() {
    List<String> arguments = new ArrayList<>();
    options()
        .forEach(
            (option, values) -> {
              arguments.add(option);
              arguments.addAll(values);
            });
    return arguments;
  }

  /** The command that runs this plan, quoted for a POSIX shell where a value needs it. */
  String command() {
    StringBuilder command = new StringBuilder("flnas");
    for (String argument : arguments()) {
      command.append(' ').append(quoted(argument));
    }
    return command.toString();
  }

  /** {@code argument} as a POSIX shell reads it back: as it is, or in single quotes. */
  static String quoted(String argument) {
    return argument.matches("[A-Za-z0-9_@%+=:,./-]+")
        ? argument
        : "'" + argument.replace("'", "'\\''") + "'";
  }

  private static void switchOn(Map<String, List<String>> options, String option, boolean on) {
    if (on) {
      options.put(option, List.of());
    }
  }

  private static void ifSet(Map<String, List<String>> options, String option, Object value) {
    if (value != null) {
      options.put(option, List.of(String.valueOf(value)));
    }
  }

  /** The plan as the JSON of {@value #FILE}. */
  String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a run plan could not be written as JSON: " + this, e);
    }
  }

  /** Writes the plan into {@code file} (a run folder's {@value #FILE}), replacing it. */
  void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  /**
   * The plan a file holds, or a usage error that names the file and what is wrong with it: a
   * missing file, JSON that is not a plan, or a setting its option would refuse.
   *
   * @param file a plan file, or a run folder holding {@value #FILE}
   */
  static RunPlan read(Path file) {
    Path plan = Files.isDirectory(file) ? file.resolve(FILE) : file;
    if (!Files.isRegularFile(plan)) {
      throw new UsageException("--plan: no run plan at " + plan);
    }
    try {
      return JSON.readValue(Files.readString(plan, StandardCharsets.UTF_8), RunPlan.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      throw new UsageException(
          "--plan "
              + plan
              + ": "
              + (cause instanceof UsageException ? cause.getMessage() : e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      // Jackson's own words, without its class names and feature hints
      String what =
          e.getOriginalMessage()
              .replaceAll("\\s*\\R\\s*", " ")
              .replaceAll(" \\((index|class) .*|; `.*", "");
      String where =
          e instanceof JsonMappingException mapping
              ? mapping.getPath().stream()
                  .map(JsonMappingException.Reference::getFieldName)
                  .filter(Objects::nonNull)
                  .collect(Collectors.joining("."))
              : "";
      throw new UsageException(
          "--plan "
              + plan
              + " is not a run plan: "
              + what
              + (where.isEmpty() ? "" : " (at " + where + ")"));
    } catch (IOException e) {
      throw new UsageException("--plan: cannot read " + plan + ": " + e.getMessage());
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new UsageException(message);
    }
  }

  private static <T> T required(T value, String option) {
    if (value == null) {
      throw new UsageException(option + " must be given, but was null");
    }
    return value;
  }

  private static <T> T parse(Supplier<T> parser, String option) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }
}
