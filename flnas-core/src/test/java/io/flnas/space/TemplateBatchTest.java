package io.flnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.Shape;
import io.flnas.space.Template.Parsed;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Replies that hold several architectures: each read on its own, errors named by position. */
class TemplateBatchTest {
  private static final Shape INPUT = Shape.image(3, 32, 32);

  @Test
  void json_reads_an_array_of_architectures_and_keeps_the_good_ones_around_a_bad_one() {
    String reply =
        """
        Here are three designs:
        ```json
        [
          {'layers': [{'type': 'conv2d', 'filters': 16, 'kernel': 3}, {'type': 'global_avg_pool'},
                      {'type': 'linear', 'units': 8},]},
          {"layers": [{"type": "conv2d", "filters": 16 "kernel": 3}]},
          {"layers": [{"type": "conv2d", "filters": 32, "kernel": 3}, {"type": "attention"}]},
          {"architecture": {"layers": [{"type": "conv2d", "filters": 8, "kernel": 1},
            {"type": "global_avg_pool"}, {"type": "linear", "units": 8}]}},
        ]
        ```
        The second adds capacity.""";

    List<Parsed> parsed = Templates.json().parseAll(reply, INPUT, 8, 4);

    assertThat(parsed).extracting(Parsed::position).containsExactly(1, 2, 3, 4);
    assertThat(parsed).extracting(Parsed::read).containsExactly(true, false, false, true);
    assertThat(parsed.get(0).architecture().orElseThrow().summary()).startsWith("c3x3/16");
    assertThat(parsed.get(1).message())
        .startsWith("architecture 2: the JSON does not parse")
        .contains("line 1");
    assertThat(parsed.get(2).message())
        .isEqualTo(
            "architecture 3: layers[1]: unknown layer type 'attention'; expected"
                + parsed.get(2).reason().orElseThrow().split("expected")[1]);
    assertThat(parsed.get(3).architecture().orElseThrow().input()).isEqualTo(INPUT);
  }

  @Test
  void json_reads_the_wrapped_array_it_asks_for_and_round_trips_samples() {
    Template json = Templates.json();
    List<Architecture> samples =
        List.of(
            SearchSpaces.paperCnn().sample(new Random(1), INPUT, 8),
            SearchSpaces.paperCnn().sample(new Random(2), INPUT, 8),
            SearchSpaces.paperCnn().sample(new Random(3), INPUT, 8));
    String reply =
        "{\"architectures\": ["
            + json.render(samples.get(0))
            + ",\n"
            + json.render(samples.get(1))
            + ",\n"
            + json.render(samples.get(2))
            + "]}";

    List<Parsed> parsed = json.parseAll(reply, INPUT, 8, 3);

    assertThat(parsed).map(p -> p.architecture().orElseThrow()).isEqualTo(samples);
    assertThat(json.formatInstructions(INPUT, 8, 3))
        .contains("exactly 3 different", "{\"architectures\": [{\"layers\"", "\"conv2d\"");
    assertThat(json.jsonSchema(3)).get().asString().contains("\"architectures\"", "\"layer\"");
    assertThat(json.jsonSchema(1)).isEqualTo(json.jsonSchema());
  }

  @Test
  void json_tells_a_bare_layer_array_from_an_array_of_architectures() {
    String layers =
        "[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3},"
            + "{\"type\":\"global_avg_pool\"},{\"type\":\"linear\",\"units\":8}]";

    List<Parsed> one = Templates.json().parseAll(layers, INPUT, 8, 1);
    List<Parsed> asked = Templates.json().parseAll(layers, INPUT, 8, 2);
    List<Parsed> arrays =
        Templates.json().parseAll("[" + layers + ", " + layers + "]", INPUT, 8, 2);

    assertThat(one).singleElement().satisfies(p -> assertThat(p.read()).isTrue());
    assertThat(asked.get(0).architecture().orElseThrow().convLayerCount()).isEqualTo(1);
    assertThat(asked.get(1).message())
        .isEqualTo("architecture 2: missing: the reply holds 1 architecture, but 2 were asked for");
    assertThat(arrays).allMatch(Parsed::read);
  }

  @Test
  void json_reads_objects_one_after_another_and_names_one_cut_off() {
    String reply =
        "First:\n{\"layers\": [{\"type\": \"conv2d\", \"filters\": 8, \"kernel\": 3},"
            + " {\"type\": \"global_avg_pool\"}, {\"type\": \"linear\", \"units\": 8}]}\n"
            + "Second, which isn't finished:\n{\"layers\": [{\"type\": \"conv2d\"";

    List<Parsed> parsed = Templates.json().parseAll(reply, INPUT, 8, 3);

    assertThat(parsed).extracting(Parsed::read).containsExactly(true, false, false);
    assertThat(parsed.get(1).message())
        .isEqualTo("architecture 2: the reply is cut off: the '{' at its start is never closed");
    assertThat(parsed.get(2).message()).contains("missing: the reply holds 2 architectures");
  }

  @Test
  void json_without_any_architecture_fails_the_whole_reply() {
    assertThatThrownBy(() -> Templates.json().parseAll("I cannot help with that.", INPUT, 8, 3))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("no JSON object");
    assertThatThrownBy(() -> Templates.json().parseAll(" ", INPUT, 8, 3))
        .hasMessageContaining("the reply is empty");
  }

  @Test
  void pytorch_reads_several_sequentials_and_names_the_bad_one() {
    String reply =
        """
        Here are three nn.Sequential(...) models, as asked.
        ```python
        # 1: a small baseline
        nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(16), nn.ReLU(),
            Residual(nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU()), shortcut='identity'),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 8))
        ```
        ```python
        # 2: wider, but the model's channels don't match
        model_2 = nn.Sequential(nn.Conv2d(3, 32, 3), nn.ReLU(), nn.Conv2d(16, 32, 3),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 8))
        ```
        torch.nn.Sequential(nn.Conv2d(3, 8, 1), nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(8, 8))
        """;

    List<Parsed> parsed = Templates.pytorch().parseAll(reply, INPUT, 8, 3);

    assertThat(parsed).extracting(Parsed::read).containsExactly(true, false, true);
    assertThat(parsed.get(0).architecture().orElseThrow().summary()).contains("res(");
    assertThat(parsed.get(1).message())
        .isEqualTo(
            "architecture 2: layers[2]: nn.Conv2d declares"
                + " 16 input channels, but the previous layer produces 32 (shape [32x30x30])");
    assertThat(parsed.get(2).architecture().orElseThrow().summary())
        .isEqualTo("c1x1/8 silu gap fc8");
    assertThat(Templates.pytorch().formatInstructions(INPUT, 8, 3))
        .contains("exactly 3 different PyTorch nn.Sequential(...) expressions", "nn.Conv2d(");
    assertThat(Templates.pytorch().jsonSchema(3)).isEmpty();
  }

  @Test
  void pytorch_never_executes_an_item_and_a_cut_off_last_one_is_named() {
    String reply =
        "nn.Sequential(__import__('os').system('rm -rf /'))\n"
            + "nn.Sequential(nn.Conv2d(3, 8, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),"
            + " nn.Linear(8, 8))\nnn.Sequential(nn.Conv2d(3, 8, 1), nn.ReLU(),";

    List<Parsed> parsed = Templates.pytorch().parseAll(reply, INPUT, 8, 3);

    assertThat(parsed).extracting(Parsed::read).containsExactly(false, true, false);
    assertThat(parsed.get(0).message()).startsWith("architecture 1: expected ',' or ')' at line 1");
    assertThat(parsed.get(2).message())
        .contains("architecture 3: ", "the reply ends before the expression is closed");
  }

  @Test
  void a_template_of_ones_own_reads_several_from_fenced_blocks() {
    Template mine =
        new Template() {
          @Override
          public String name() {
            return "mine";
          }

          @Override
          public String render(Architecture architecture) {
            return Templates.json().render(architecture);
          }

          @Override
          public String formatInstructions(Shape input, int numClasses) {
            return "one JSON object";
          }

          @Override
          public Architecture parse(String reply, Shape input, int numClasses) {
            return Templates.json().parse(reply, input, numClasses);
          }
        };
    Architecture a = SearchSpaces.paperCnn().sample(new Random(4), INPUT, 8);

    List<Parsed> parsed =
        mine.parseAll("```\n" + mine.render(a) + "\n```\nand\n```\n{]\n```", INPUT, 8, 2);

    assertThat(parsed.get(0).architecture()).isEqualTo(Optional.of(a));
    assertThat(parsed.get(1).message()).startsWith("architecture 2: ");
    assertThat(mine.formatInstructions(INPUT, 8, 2))
        .contains("exactly 2", "fenced block", "one JSON object");
  }
}
