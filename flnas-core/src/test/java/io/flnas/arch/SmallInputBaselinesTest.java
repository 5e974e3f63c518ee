package io.flnas.arch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmallInputBaselinesTest {
  private static final Shape CIFAR = Shape.image(3, 32, 32);
  private static final Shape IMAGENET = Shape.image(3, 224, 224);

  @Test
  void cifar_resnets_have_the_published_cifar_parameter_counts() {
    // the widely used CIFAR-10 ResNets (3x3 stride-1 stem, no max-pool, 10 classes)
    assertThat(Cost.of(ReferenceArchitectures.resnet18Cifar(CIFAR, 10)).parameters())
        .isEqualTo(11_173_962L);
    assertThat(Cost.of(ReferenceArchitectures.resnet34Cifar(CIFAR, 10)).parameters())
        .isEqualTo(21_282_122L);
  }

  @Test
  void small_input_mobilenets_keep_torchvision_parameter_counts() {
    assertThat(Cost.of(ReferenceArchitectures.mobileNetV1Small(CIFAR, 1000)).parameters())
        .isEqualTo(4_231_976L);
    assertThat(Cost.of(ReferenceArchitectures.mobileNetV2Small(CIFAR, 1000)).parameters())
        .isEqualTo(3_504_872L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "resnet34", "mobilenet_v1", "mobilenet_v2"})
  void at_32_px_every_baseline_is_its_small_input_variant_with_a_last_stage_of_at_least_4x4(
      String name) {
    Architecture a = ReferenceArchitectures.byName(name, CIFAR, 8);

    assertThat(a.name()).isEqualTo(name + "_cifar");
    Shape last = lastStage(a);
    assertThat(last.height()).isGreaterThanOrEqualTo(4);
    assertThat(last.width()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void at_64_px_the_variants_still_end_at_least_4x4_and_at_224_the_torchvision_layouts_stay() {
    Shape px64 = Shape.image(3, 64, 64);
    for (String name : java.util.List.of("mobilenet_v1", "mobilenet_v2", "resnet18")) {
      assertThat(lastStage(ReferenceArchitectures.byName(name, px64, 8)).height())
          .isGreaterThanOrEqualTo(4);
    }

    assertThat(ReferenceArchitectures.byName("resnet18", IMAGENET, 1000))
        .isEqualTo(ReferenceArchitectures.resnet18(IMAGENET, 1000));
    assertThat(ReferenceArchitectures.byName("mobilenet_v2", IMAGENET, 1000).name())
        .isEqualTo("mobilenet_v2");
    assertThat(Cost.of(ReferenceArchitectures.byName("mobilenet_v1", IMAGENET, 1000)).parameters())
        .isEqualTo(4_231_976L);
    // torchvision's stride 32: 224 / 32 = 7
    assertThat(lastStage(ReferenceArchitectures.byName("mobilenet_v2", IMAGENET, 1000)).height())
        .isEqualTo(7);
  }

  @Test
  void the_cifar_mobilenet_v2_at_32_px_reduces_exactly_the_stem_and_the_first_stride_2_stage() {
    // total stride 8 as in the common CIFAR MobileNetV2: 32 / 8 = 4
    assertThat(lastStage(ReferenceArchitectures.mobileNetV2Small(CIFAR, 10)).height()).isEqualTo(4);
    assertThat(ReferenceArchitectures.keptStrides(CIFAR)).isEqualTo(3);
    assertThat(ReferenceArchitectures.keptStrides(IMAGENET)).isEqualTo(5);
  }

  /** The input of the global average pooling: the last stage's feature map. */
  private static Shape lastStage(Architecture a) {
    Shapes.Report report = Shapes.infer(a);
    for (int i = 0; i < a.layers().size(); i++) {
      if (a.layers().get(i) instanceof Layer.GlobalAvgPool) {
        return report.inputs().get("layers[" + i + "]");
      }
    }
    throw new AssertionError("no global average pooling in " + a.name());
  }
}
