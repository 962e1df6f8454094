package dev.maestro.eval.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AucTest {

  @Test
  void givenAHandComputedCase_whenScored_thenTheAucCountsOrderedPairsAndHalfTies() {
    // Positives score 0.9, 0.4, 0.6; negatives 0.1, 0.4, 0.7. Of the 9 pairs, positive above
    // negative: 0.9 beats all 3, 0.6 beats 0.1 and 0.4, 0.4 beats 0.1 and ties 0.4 (1/2): 6.5 / 9.
    double[] scores = {0.9, 0.1, 0.4, 0.4, 0.6, 0.7};
    float[] labels = {1, 0, 1, 0, 1, 0};
    assertThat(Auc.of(scores, labels)).isCloseTo(6.5 / 9, within(1e-12));
  }

  @Test
  void givenPerfectAndReversedScores_whenScored_thenOneAndZero() {
    float[] labels = {0, 0, 1, 1};
    assertThat(Auc.of(new double[] {0.1, 0.2, 0.8, 0.9}, labels)).isEqualTo(1.0);
    assertThat(Auc.of(new double[] {0.9, 0.8, 0.2, 0.1}, labels)).isEqualTo(0.0);
    assertThat(Auc.of(new double[] {0.5, 0.5, 0.5, 0.5}, labels)).isEqualTo(0.5);
  }

  @Test
  void givenOneClassOnly_whenScored_thenItIsRefused() {
    assertThatThrownBy(() -> Auc.of(new double[] {0.1, 0.2}, new float[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
