package io.flnas.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The run plan: made from the options, written as JSON and read back, and repeated. */
class RunPlanTest {
  @TempDir Path dir;

  /** Every option of a search, each away from its default. */
  static String[] everySetting(Path out) {
    return new String[] {
      "--iterations",
      "7",
      "--seed",
      "3",
      "--baselines",
      "small_cnn,resnet18",
      "--target",
      "pi4",
      "--template",
      "pytorch",
      "--out",
      out.toString(),
      "--resume",
      "--threads",
      "2",
      "--no-progress",
      "--allow-download",
      "--verbose",
      "--data",
      "isic:/data/isic 2019",
      "--image-size",
      "32",
      "--samples",
      "800",
      "--max-epochs",
      "9",
      "--designer",
      "llm-evolution",
      "--model",
      "ollama:llama3.1",
      "--base-url",
      "http://localhost:11434",
      "--provider-retries",
      "1",
      "--workers",
      "0",
      "--parallel",
      "3",
      "--members",
      "10.0.0.2:5701,10.0.0.3:5701",
      "--bind",
      "10.0.0.1",
      "--trusted-network",
      "--port",
      "6701",
      "--cluster-name",
      "lab",
      "--worker-threads",
      "4",
      "--worker-max-trials",
      "5",
      "--worker-max-rss-mb",
      "3000",
      "--halving",
      "1,3,9",
      "--halving-mode",
      "sync",
      "--prescreen",
      "4",
      "--precision",
      "bf16"
    };
  }

  @Test
  void every_option_the_help_shows_for_a_search_is_a_setting_of_the_plan() {
    Set<String> options = new TreeSet<>();
    for (OptionSpec option : new CommandLine(new FlNasMain()).getCommandSpec().options()) {
      options.add(option.longestName());
    }
    // --cache says where this machine keeps decoded images, which changes no result: like the
    // environment, it is the machine's, not the plan's.
    options.removeAll(List.of("--help", "--version", "--plan", "--cache"));

    RunPlan plan = FlNasMain.plan(everySetting(dir.resolve("run")));

    assertThat(new TreeSet<>(plan.options().keySet())).isEqualTo(options);
  }

  @Test
  void a_plan_with_every_setting_comes_back_the_same_from_json_and_from_its_command_line()
      throws Exception {
    RunPlan plan = FlNasMain.plan(everySetting(dir.resolve("run")));
    Path file = dir.resolve(RunPlan.FILE);

    plan.write(file);

    assertThat(RunPlan.read(file)).isEqualTo(plan);
    assertThat(RunPlan.read(dir)).as("the run folder names its plan").isEqualTo(plan);
    assertThat(FlNasMain.plan(plan.arguments().toArray(String[]::new))).isEqualTo(plan);
    assertThat(plan.design().model()).isEqualTo("ollama:llama3.1");
    assertThat(plan.search().template()).isEqualTo("pytorch");
    assertThat(plan.cluster().members()).containsExactly("10.0.0.2:5701", "10.0.0.3:5701");
    assertThat(plan.command())
        .startsWith("flnas --iterations 7 --seed 3 ")
        .contains(
            " --data 'isic:/data/isic 2019' ",
            " --template pytorch ",
            " --model ollama:llama3.1 ",
            " --members 10.0.0.2:5701,10.0.0.3:5701 ");
  }

  @Test
  void the_plan_file_names_each_setting_as_its_option_and_holds_no_secret() throws Exception {
    RunPlan plan = FlNasMain.plan(everySetting(dir.resolve("run")));

    JsonNode json = new ObjectMapper().readTree(plan.toJson());

    Set<String> names = new TreeSet<>();
    for (Iterator<String> sections = json.fieldNames(); sections.hasNext(); ) {
      String section = sections.next();
      json.get(section).fieldNames().forEachRemaining(name -> names.add("--" + name));
    }
    assertThat(names).isEqualTo(new TreeSet<>(plan.options().keySet()));
    assertThat(plan.toJson().toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("key", "secret", "token", "password", "sk-");
  }

  @Test
  void the_default_plan_spells_out_every_default() {
    RunPlan plan = FlNasMain.plan("--designer", "random", "--out", "run");

    assertThat(plan.command())
        .isEqualTo(
            "flnas --iterations 10 --seed 42 --baselines"
                + " resnet18,resnet34,mobilenet_v1,mobilenet_v2 --target a10 --template json --out run"
                + " --threads 0 --data synthetic --image-size 16 --samples 1400 --max-epochs 4"
                + " --designer random --model gpt-4o --provider-retries 4 --workers 0 --bind 127.0.0.1"
                + " --port 5701 --cluster-name flnas --worker-max-trials 20 --worker-max-rss-mb 6000"
                + " --halving-mode async --precision fp32");
    assertThat(FlNasMain.plan(plan.arguments().toArray(String[]::new))).isEqualTo(plan);
  }

  @Test
  void an_option_given_beside_the_plan_wins_and_the_run_goes_to_a_new_folder() throws Exception {
    RunPlan recorded = FlNasMain.plan(everySetting(dir.resolve("old")));
    recorded.write(dir.resolve(RunPlan.FILE));

    RunPlan repeated =
        FlNasMain.plan(
            "--plan",
            dir.resolve(RunPlan.FILE).toString(),
            "--iterations",
            "12",
            "--members",
            "10.0.0.9:5701",
            "--no-verbose",
            "--progress",
            "--out",
            dir.resolve("new").toString());

    assertThat(repeated.search())
        .isEqualTo(new RunPlan.Search(12, 3, List.of("small_cnn", "resnet18"), "pi4", "pytorch"));
    assertThat(repeated.cluster().members())
        .as("replaced, not added to")
        .containsExactly("10.0.0.9:5701");
    assertThat(repeated.output())
        .isEqualTo(new RunPlan.Output(dir.resolve("new").toString(), false, false, false));
    assertThat(repeated.design()).isEqualTo(recorded.design());
    assertThat(repeated.training()).isEqualTo(recorded.training());
    assertThat(repeated.costs()).isEqualTo(recorded.costs());
    assertThat(repeated.cluster().bind()).isEqualTo("10.0.0.1");
  }

  @Test
  void a_repeat_without_out_goes_to_a_new_folder_and_resume_still_needs_out() throws Exception {
    RunPlan recorded =
        FlNasMain.plan("--designer", "random", "--out", dir.resolve("old").toString());
    recorded.write(dir.resolve(RunPlan.FILE));

    RunPlan repeated = FlNasMain.plan("--plan", dir.toString());

    assertThat(repeated.output().out()).startsWith(Path.of("flnas-runs", "run-").toString());
    assertThat(repeated.withOutput(recorded.output())).isEqualTo(recorded);
    assertThatThrownBy(() -> FlNasMain.plan("--plan", dir.toString(), "--resume"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--resume needs --out, the folder of the run to continue");
  }

  @Test
  void a_plan_file_with_a_wrong_setting_gets_the_options_message_and_exit_code_2()
      throws Exception {
    RunPlan plan = FlNasMain.plan("--designer", "random", "--out", "run");
    Path zero =
        Files.writeString(
            dir.resolve("zero.json"),
            plan.toJson().replace("\"iterations\" : 10", "\"iterations\" : 0"));
    Path unknown =
        Files.writeString(
            dir.resolve("unknown.json"),
            plan.toJson().replace("\"iterations\" : 10", "\"iterations\" : 10, \"speed\" : 2"));
    Path missing =
        Files.writeString(
            dir.resolve("missing.json"), plan.toJson().replace("\"iterations\" : 10,", ""));

    assertBadPlan(zero, "--plan " + zero + ": --iterations must be > 0, but was 0");
    assertBadPlan(
        unknown,
        "--plan "
            + unknown
            + " is not a run plan: Unrecognized field"
            + " \"speed\" (at search.speed)");
    assertBadPlan(
        missing,
        "--plan "
            + missing
            + " is not a run plan: Missing creator property"
            + " 'iterations' (at search.iterations)");
    assertBadPlan(
        dir.resolve("nothing.json"), "--plan: no run plan at " + dir.resolve("nothing.json"));
  }

  @Test
  void a_base_url_that_carries_credentials_is_refused() {
    assertThatThrownBy(
            () ->
                FlNasMain.plan(
                    "--designer",
                    "llm",
                    "--base-url",
                    "https://me:hunter2@proxy.example/v1",
                    "--out",
                    "run"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--base-url must not carry credentials (user:password@)");
  }

  private void assertBadPlan(Path plan, String message) {
    List<String> args =
        new ArrayList<>(
            List.of("--plan", plan.toString(), "--out", dir.resolve("never").toString()));

    FlNasMainTest.Run run = FlNasMainTest.run(args.toArray(String[]::new));

    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("flnas: error: " + message);
    assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
    assertThat(dir.resolve("never")).doesNotExist();
  }
}
