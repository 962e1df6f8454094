package dev.maestro.field.structured;

import dev.maestro.field.Embedder;
import dev.maestro.field.MiniLmEmbedder;

/** One MiniLM per test JVM for the structured tests: loading it costs about a second. */
final class Embedders {

  private static volatile MiniLmEmbedder instance;

  private Embedders() {}

  static synchronized Embedder get() {
    if (instance == null) instance = MiniLmEmbedder.load(2);
    return instance;
  }
}
