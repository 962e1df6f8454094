package dev.maestro.core.policy.learned;

/**
 * One trained binary classifier of the learned policy: given feature rows in the encoding of {@link
 * PolicyFeatures}, the probability of the positive class for each. Implementations (an ONNX tree
 * ensemble in {@code policy-onnx}) load once and are safe to call from many threads.
 */
public interface LearnedModel {

  /** The number of features a row must have. */
  int featureCount();

  /**
   * The probability of the positive class for each of {@code rows}, in order.
   *
   * @throws IllegalArgumentException if a row's length is not {@link #featureCount()}
   */
  double[] predict(float[][] rows);
}
