package dev.maestro.field.structured;

import java.nio.file.Path;

/**
 * A table file that cannot be ingested: names the file, the line (1-based) and, when one field is
 * at fault, that field as a JSON pointer ({@code /country}). Nothing is written when a file has
 * such a problem.
 */
public final class StructuredInputException extends IllegalArgumentException {

  private final String file;
  private final int line;
  private final String pointer;

  /**
   * A problem in {@code file} at {@code line} ({@code 0}: the file as a whole) with the field at
   * {@code pointer} ({@code null}: the line as a whole).
   */
  public StructuredInputException(Path file, int line, String pointer, String problem) {
    super(message(file, line, pointer, problem));
    this.file = String.valueOf(file);
    this.line = line;
    this.pointer = pointer;
  }

  private static String message(Path file, int line, String pointer, String problem) {
    var sb = new StringBuilder().append(file);
    if (line > 0) sb.append(':').append(line);
    sb.append(": ");
    if (pointer != null) sb.append(pointer).append(": ");
    return sb.append(problem).toString();
  }

  /** The file's path as given. */
  public String file() {
    return file;
  }

  /** The 1-based line at fault, or {@code 0} for the file as a whole. */
  public int line() {
    return line;
  }

  /** The JSON pointer of the field at fault, or {@code null}. */
  public String pointer() {
    return pointer;
  }
}
