package io.flnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.TemplateParseException;
import io.flnas.arch.Architecture;
import io.flnas.arch.ArchitectureJson;
import io.flnas.arch.ReferenceArchitectures;
import io.flnas.arch.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  private static final Shape INPUT = Shape.image(3, 32, 32);

  @Test
  void canonical_json_round_trips_every_reference_and_hash_ignores_the_name() {
    for (String name : ReferenceArchitectures.NAMES) {
      Architecture a = ReferenceArchitectures.byName(name, INPUT, 8);
      Architecture back = ArchitectureJson.read(ArchitectureJson.write(a));
      assertThat(back).isEqualTo(a);
      assertThat(back.withName("other").hash()).isEqualTo(a.hash());
    }
    assertThat(ReferenceArchitectures.resnet18(INPUT, 8).hash())
        .isNotEqualTo(ReferenceArchitectures.resnet18(INPUT, 9).hash());
  }

  @Test
  void json_template_round_trips_random_samples() {
    Template json = Templates.json();
    for (int seed = 0; seed < 30; seed++) {
      Architecture a = SearchSpaces.paperCnn().sample(new Random(seed), INPUT, 8);
      assertThat(json.parse(json.render(a), INPUT, 8)).isEqualTo(a);
    }
  }

  @Test
  void json_template_reads_fenced_reply_with_prose_single_quotes_and_trailing_commas() {
    String reply =
        """
        Sure! Here is an improved design that should be fairer:
        ```json
        {'layers': [
          {'type': 'conv2d', 'filters': 32, 'kernel': 3,},
          {'type': 'norm', 'kind': 'batch'},
          {'type': 'activation', 'kind': 'relu'},
          {'type': 'global_avg_pool'},
          {'type': 'linear', 'units': 8},
        ]}
        ```
        I added batch normalization to stabilise training.""";

    Architecture a = Templates.json().parse(reply, INPUT, 8);

    assertThat(a.layers()).hasSize(5);
    assertThat(a.input()).isEqualTo(INPUT);
    assertThat(SearchSpaces.paperCnn().validate(a))
        .extracting(v -> v.rule())
        .containsOnly("number of conv2d layers must be between 2 and 8");
  }

  @Test
  void json_template_accepts_a_bare_layer_array() {
    Architecture a =
        Templates.json()
            .parse(
                "[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":3},"
                    + "{\"type\":\"global_avg_pool\"},{\"type\":\"linear\",\"units\":8}]",
                INPUT,
                8);
    assertThat(a.convLayerCount()).isEqualTo(1);
  }

  @Test
  void json_errors_name_the_path_and_field() {
    assertThatThrownBy(
            () ->
                Templates.json()
                    .parse("{\"layers\": [{\"type\": \"conv2d\", \"kernel\": 3}]}", INPUT, 8))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("layers[0]")
        .hasMessageContaining("\"filters\"");
    assertThatThrownBy(
            () -> Templates.json().parse("{\"layers\": [{\"type\": \"attention\"}]}", INPUT, 8))
        .hasMessageContaining("unknown layer type 'attention'");
    assertThatThrownBy(
            () -> Templates.json().parse("{\"layers\": [{\"type\": \"conv2d\" \"x\"}]}", INPUT, 8))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> Templates.json().parse("I cannot help with that.", INPUT, 8))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("no '{' found");
    assertThatThrownBy(
            () ->
                Templates.json()
                    .parse(
                        "{\"num_classes\": 3, \"layers\": "
                            + "[{\"type\":\"linear\",\"units\":3}]}",
                        INPUT,
                        8))
        .hasMessageContaining("num_classes is fixed by the data to 8");
  }

  @Test
  void pytorch_template_round_trips_references_and_samples() {
    Template torch = Templates.pytorch();
    for (String name : ReferenceArchitectures.NAMES) {
      Architecture a = ReferenceArchitectures.byName(name, INPUT, 8).withName("");
      assertThat(torch.parse(torch.render(a), INPUT, 8)).as(name).isEqualTo(a);
    }
    for (int seed = 0; seed < 30; seed++) {
      Architecture a = SearchSpaces.paperCnn().sample(new Random(seed), INPUT, 8);
      assertThat(torch.parse(torch.render(a), INPUT, 8)).as("seed %s", seed).isEqualTo(a);
    }
  }

  @Test
  void pytorch_template_renders_the_paper_format() {
    String text = Templates.pytorch().render(ReferenceArchitectures.smallCnn(INPUT, 8));
    assertThat(text)
        .startsWith("nn.Sequential(\n")
        .contains(
            "nn.Conv2d(3, 32, kernel_size=3, stride=1, padding=1, bias=False)",
            "nn.BatchNorm2d(32)",
            "nn.MaxPool2d(kernel_size=2, stride=2, padding=0)",
            "nn.AdaptiveAvgPool2d(1)",
            "nn.Linear(128, 8)");
  }

  @Test
  void pytorch_reply_in_prose_with_comments_and_tuples_parses() {
    String reply =
        """
        Here is the model:
        ```python
        model = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=(3, 3), stride=1, padding=1),  # stem
            nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            Residual(nn.Sequential(nn.Conv2d(16, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32)),
                     shortcut='projection'),
            nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(32, 8),
        )
        ```""";

    Architecture a = Templates.pytorch().parse(reply, INPUT, 8);

    assertThat(a.summary()).isEqualTo("c3x3/16 bn relu resproj(c3x3/32s2 bn) gap drop0.2 fc8");
    assertThat(SearchSpaces.paperCnn().validate(a)).isEmpty();
  }

  @Test
  void pytorch_channel_mismatch_is_reported_for_the_model() {
    String reply =
        "nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.Conv2d(32, 16, 3),"
            + " nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 8))";

    assertThatThrownBy(() -> Templates.pytorch().parse(reply, INPUT, 8))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("layers[1]")
        .hasMessageContaining("declares 32 input channels, but the previous layer produces 16");
  }

  @Test
  void pytorch_reply_is_never_executed_only_read() {
    assertThatThrownBy(
            () -> Templates.pytorch().parse("nn.Sequential(os.system('rm -rf /'))", INPUT, 8))
        .isInstanceOf(TemplateParseException.class)
        .hasMessageContaining("unsupported module 'os.system'");
    assertThatThrownBy(
            () ->
                Templates.pytorch()
                    .parse("nn.Sequential(__import__('os').system('rm -rf /'))", INPUT, 8))
        .isInstanceOf(TemplateParseException.class);
    assertThatThrownBy(
            () ->
                Templates.pytorch()
                    .parse("nn.Sequential(nn.Conv2d(3, 16, k), nn.ReLU())", INPUT, 8))
        .hasMessageContaining("unexpected name 'k'");
    assertThatThrownBy(() -> Templates.pytorch().parse("nn.Sequential(nn.ReLU(),", INPUT, 8))
        .hasMessageContaining("ends before the expression is closed");
  }

  @Test
  void json_template_offers_a_schema_and_both_give_format_instructions() {
    assertThat(Templates.json().jsonSchema()).get().asString().contains("\"layers\"", "$defs");
    assertThat(Templates.pytorch().jsonSchema()).isEmpty();
    assertThat(Templates.json().formatInstructions(INPUT, 8))
        .contains("3 channels x 32 x 32", "8 classes");
    assertThat(Templates.pytorch().formatInstructions(INPUT, 8)).contains("nn.Sequential");
  }
}
