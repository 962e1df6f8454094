package dev.maestro.field.rerank;

import java.io.PrintStream;
import java.util.ServiceLoader;

/**
 * Trains a reranker's model from labelled feature rows: the port through which {@code bench rerank}
 * trains a small model when none is given. The XGBoost implementation lives in the {@code eval}
 * module, which is on the command line's class path but not this module's, and is found with {@link
 * ServiceLoader} ({@code META-INF/services/dev.maestro.field.rerank.RerankTrainer}).
 */
public interface RerankTrainer {

  /**
   * The ONNX model (input {@code features}, output {@code probability}) trained on {@code rows}
   * ({@link RerankFeatures} vectors) and their 0/1 {@code labels}.
   */
  byte[] train(float[][] rows, float[] labels, PrintStream progress);

  /** The objective trained (for the manifest). */
  String objective();

  /**
   * The implementation on the class path.
   *
   * @throws IllegalStateException if the {@code eval} module is not on the class path
   */
  static RerankTrainer load() {
    return ServiceLoader.load(RerankTrainer.class)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no reranker trainer on the class path (the eval module provides one);"
                        + " pass a trained model with -P model=DIR"));
  }
}
