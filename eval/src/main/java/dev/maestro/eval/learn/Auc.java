package dev.maestro.eval.learn;

import java.util.Arrays;

/**
 * The area under the ROC curve: the probability that a random positive row scores above a random
 * negative one, ties counting half (the Mann-Whitney statistic, from average ranks).
 */
public final class Auc {

  private Auc() {}

  /**
   * The AUC of {@code scores} against {@code labels} (positive when {@code > 0.5}).
   *
   * @throws IllegalArgumentException if the lengths differ or one class is absent
   */
  public static double of(double[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException("scores and labels differ in length");
    }
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
      double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] > 0.5f) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("the AUC needs both positive and negative labels");
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
