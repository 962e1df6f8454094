package dev.maestro.field.cli;

import dev.maestro.field.MiniLmEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** What the field commands share: input errors as messages, the embedder, folders. */
final class Cli {

  private Cli() {}

  /** The value, or null after printing the input error to stderr. */
  static <T> T guard(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println(e.getMessage());
      return null;
    }
  }

  static MiniLmEmbedder embedder() {
    long t0 = System.nanoTime();
    MiniLmEmbedder e = MiniLmEmbedder.load();
    System.err.printf("embedder: %s loaded in %.1f s%n", e.name(), (System.nanoTime() - t0) / 1e9);
    return e;
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
