package io.flnas.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flnas.InvalidArchitectureException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostTest {
  private static final Shape IMAGENET = Shape.image(3, 224, 224);

  @Test
  void reference_parameter_counts_equal_torchvision_with_1000_classes() {
    assertThat(Cost.of(ReferenceArchitectures.resnet18(IMAGENET, 1000)).parameters())
        .isEqualTo(11_689_512L);
    assertThat(Cost.of(ReferenceArchitectures.resnet34(IMAGENET, 1000)).parameters())
        .isEqualTo(21_797_672L);
    assertThat(Cost.of(ReferenceArchitectures.mobileNetV1(IMAGENET, 1000)).parameters())
        .isEqualTo(4_231_976L);
    assertThat(Cost.of(ReferenceArchitectures.mobileNetV2(IMAGENET, 1000)).parameters())
        .isEqualTo(3_504_872L);
  }

  @Test
  void reference_macs_match_published_figures_at_224() {
    // torchvision reports 1.81 GMACs for ResNet-18 and 3.66 GMACs for ResNet-34, 0.30 for
    // MobileNetV2.
    assertThat(Cost.of(ReferenceArchitectures.resnet18(IMAGENET, 1000)).macs() / 1e9)
        .isBetween(1.80, 1.83);
    assertThat(Cost.of(ReferenceArchitectures.resnet34(IMAGENET, 1000)).macs() / 1e9)
        .isBetween(3.65, 3.68);
    assertThat(Cost.of(ReferenceArchitectures.mobileNetV2(IMAGENET, 1000)).macs() / 1e9)
        .isBetween(0.29, 0.31);
  }

  @Test
  void counts_each_layer_kind_by_hand() {
    // given conv 3->8 k3 with bias (8*3*9+8=224), batch norm (16), depthwise 8 k3 (72),
    // group norm (16), projection residual 8->16 (conv 16*8*9=1152 + bn 32 + proj 128 + bn 32)
    Architecture a =
        Architecture.builder(Shape.image(3, 8, 8), 4)
            .add(new Layer.Conv2d(8, 3, 1, 1, 1, true))
            .add(Layer.Norm.of(NormKind.BATCH))
            .add(new Layer.Conv2d(8, 3, 1, 1, 8, false))
            .add(new Layer.Norm(NormKind.GROUP, 4))
            .add(
                Layer.Residual.projection(
                    List.of(
                        new Layer.Conv2d(16, 3, 2, 1, 1, false), Layer.Norm.of(NormKind.BATCH))))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(4, true))
            .build();

    Cost cost = Cost.of(a);

    assertThat(cost.parameters()).isEqualTo(224 + 16 + 72 + 16 + 1152 + 32 + 128 + 32 + 68);
    // MACs: 8*8*8*27 + 8*8*8*9 + 4*4*16*72 + 4*4*16*8 + 16*4
    assertThat(cost.macs()).isEqualTo(13824 + 4608 + 18432 + 2048 + 64);
  }

  @Test
  void memory_grows_with_batch_size_and_covers_parameters() {
    Architecture a = ReferenceArchitectures.smallCnn(Shape.image(3, 64, 64), 8);
    Cost one = Cost.of(a, 1);
    Cost many = Cost.of(a, 64);
    assertThat(one.memoryMb()).isGreaterThan(4.0 * one.parameters() / (1 << 20));
    assertThat(many.memoryMb()).isGreaterThan(one.memoryMb() * 10);
  }

  @Test
  void rejects_architecture_whose_spatial_size_falls_below_one() {
    Architecture a =
        Architecture.builder(Shape.image(3, 4, 4), 2)
            .add(new Layer.Conv2d(8, 3, 2, 0, 1, false))
            .add(new Layer.Conv2d(8, 3, 2, 0, 1, false))
            .add(new Layer.GlobalAvgPool())
            .add(new Layer.Linear(2, true))
            .build();

    assertThatThrownBy(() -> Cost.of(a))
        .isInstanceOf(InvalidArchitectureException.class)
        .hasMessageContaining("layers[1] (conv2d)")
        .hasMessageContaining("spatial size falls below 1");
  }
}
