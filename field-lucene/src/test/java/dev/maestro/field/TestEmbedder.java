package dev.maestro.field;

/** One MiniLM per test JVM: loading it costs about a second. */
final class TestEmbedder {

  private static volatile MiniLmEmbedder instance;

  private TestEmbedder() {}

  static synchronized Embedder get() {
    if (instance == null) instance = MiniLmEmbedder.load(2);
    return instance;
  }
}
