package dev.maestro.azure.local;

import dev.maestro.core.facts.FactSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Fact rows of a local CDC invocation, in place of the hourly append blobs: to a file
 * (newline-delimited JSON, replaced per invocation) or to stderr, one {@code fact: } line each.
 */
final class LocalFactSink implements FactSink, AutoCloseable {

  private final OutputStream file;
  private final PrintStream err;
  private int rows;

  LocalFactSink(Path factsOut, PrintStream err) throws IOException {
    this.err = err;
    this.file =
        factsOut == null
            ? null
            : Files.newOutputStream(
                factsOut,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
  }

  /** How many rows were put. */
  int rows() {
    return rows;
  }

  @Override
  public void put(List<byte[]> records) {
    try {
      for (byte[] row : records) {
        if (file != null) file.write(row);
        else err.print("fact: " + new String(row, StandardCharsets.UTF_8));
        rows++;
      }
      if (file != null) file.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (file != null) file.close();
  }
}
