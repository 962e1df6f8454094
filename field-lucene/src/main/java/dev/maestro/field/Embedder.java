package dev.maestro.field;

import java.util.List;

/**
 * Turns texts into unit-length vectors whose dot product (cosine) measures semantic similarity.
 * Implementations are thread-safe and deterministic: the same text gives the same vector.
 */
public interface Embedder extends AutoCloseable {

  /** The model's name, recorded in the index so that a different model is not mixed in. */
  String name();

  /** The vectors' dimension. */
  int dimension();

  /** One L2-normalised vector per text, in order; batches internally as it sees fit. */
  List<float[]> embed(List<String> texts);

  /** The vector of one text. */
  default float[] embed(String text) {
    return embed(List.of(text)).getFirst();
  }

  @Override
  default void close() {}

  /** The cosine of two vectors (their dot product when both are unit length). */
  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
