package dev.maestro.field.structured;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small real table shipped with the module for demos, tests and the structured recall figure:
 * the SPDX License List as JSON Lines (one licence a line: {@code id}, {@code name}, {@code
 * osi_approved}, {@code url}, {@code text_words}); see {@code tables/README.md} next to it for its
 * source, version and terms.
 */
public final class ShippedTable {

  /** The table's file name (and so, by default, its table name {@value #TABLE}). */
  public static final String FILE = "spdx-licenses.jsonl";

  /** The table name it is ingested under by default. */
  public static final String TABLE = "spdx-licenses";

  private static final String RESOURCE = "/dev/maestro/field/tables/" + FILE;

  private ShippedTable() {}

  /** Writes the table to {@code dir}/{@value #FILE} and returns that path. */
  public static Path writeTo(Path dir) {
    try (InputStream in = ShippedTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("shipped table missing: " + RESOURCE);
      Path out = Files.createDirectories(dir).resolve(FILE);
      Files.write(out, in.readAllBytes());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
