package io.flnas.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.flnas.arch.ReferenceArchitectures;
import io.flnas.djl.data.ImageDataset;
import io.flnas.djl.data.PaperAttributes;
import io.flnas.djl.data.Split;
import io.flnas.djl.data.SyntheticLesions;
import io.flnas.djl.train.DjlEvaluator;
import io.flnas.metrics.Evaluation;
import org.junit.jupiter.api.Test;

class SyntheticLesionsTest {

  @Test
  void the_generator_is_deterministic_from_its_seed() {
    ImageDataset a = SyntheticLesions.builder().size(60).imageSize(8).seed(1).generate();
    ImageDataset b = SyntheticLesions.builder().size(60).imageSize(8).seed(1).generate();
    ImageDataset c = SyntheticLesions.builder().size(60).imageSize(8).seed(2).generate();

    assertThat(a.train().pixels()).isEqualTo(b.train().pixels());
    assertThat(a.train().pixels()).isNotEqualTo(c.train().pixels());
    assertThat(a.size()).isEqualTo(60);
    assertThat(a.train().count()).isEqualTo(42);
    assertThat(a.numClasses()).isEqualTo(8);
  }

  @Test
  void with_bias_zero_the_groups_look_the_same_and_with_bias_they_do_not() {
    double unbiasedGap = femaleMaleBrightnessGap(0.0);
    double biasedGap = femaleMaleBrightnessGap(1.0);

    System.out.println(
        "brightness gap male-female: bias 0 " + unbiasedGap + ", bias 1 " + biasedGap);
    assertThat(biasedGap).isGreaterThan(0.1);
    assertThat(Math.abs(unbiasedGap)).isLessThan(biasedGap / 5);
  }

  /** Mean normalized pixel of male images minus that of female images. */
  private static double femaleMaleBrightnessGap(double bias) {
    Split s =
        SyntheticLesions.builder().size(6000).imageSize(8).bias(bias).seed(9).generate().train();
    double[] sum = new double[2];
    int[] count = new int[2];
    int per = s.imageSize();
    int[] sex = s.group(PaperAttributes.SEX).orElseThrow().membership();
    float[] pixels = s.pixels();
    for (int i = 0; i < s.count(); i++) {
      if (sex[i] < 0) {
        continue;
      }
      for (int p = 0; p < per; p++) {
        sum[sex[i]] += pixels[i * per + p];
      }
      count[sex[i]] += per;
    }
    return sum[0] / count[0] - sum[1] / count[1];
  }

  @Test
  void a_plain_cnn_trained_on_biased_data_shows_a_measurable_group_gap() {
    ImageDataset data = SyntheticLesions.builder().size(1200).imageSize(16).seed(21).generate();
    try (DjlEvaluator evaluator =
        DjlEvaluator.builder(data).maxEpochs(4).batchSize(32).latencyRuns(3).build()) {
      Evaluation e = evaluator.evaluate(ReferenceArchitectures.smallCnn(data.input(), 8));

      assertThat(e.validation().accuracy()).isGreaterThan(0.3);
      assertThat(e.validationFairness().unfairness()).isGreaterThan(0.02);
      assertThat(e.validationFairness().worstGroup())
          .get()
          .satisfies(g -> assertThat(g.group()).isIn("female", "old"));
    }
  }
}
