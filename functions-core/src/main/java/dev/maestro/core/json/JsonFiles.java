package dev.maestro.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * JSON files given on a command line (the event and payload files of {@code maestro invoke}) and
 * what such a command prints: one read with errors that name the file and the problem, one pretty
 * printer, one error document.
 */
public final class JsonFiles {

  private JsonFiles() {}

  /** A file that is missing, unreadable, empty or not JSON; the message names it. */
  public static final class InvalidFileException extends RuntimeException {
    InvalidFileException(String message) {
      super(message);
    }
  }

  /** A JSON file's text and its parsed document. */
  public record Loaded(String text, JsonNode tree) {}

  /**
   * Reads {@code file} as one JSON document.
   *
   * @param what what the file is, for messages ({@code event}, {@code payload})
   * @throws InvalidFileException when it is missing, unreadable, empty or not JSON
   */
  public static Loaded load(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidFileException(what + " file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidFileException("cannot read " + what + " file " + file + ": " + e);
    }
    try {
      JsonNode tree = Json.mapper().readTree(text);
      if (tree == null || tree.isMissingNode())
        throw new InvalidFileException(
            what + " file " + file + " is empty; it must hold one JSON document");
      return new Loaded(text, tree);
    } catch (JsonProcessingException e) {
      throw new InvalidFileException(
          what + " file " + file + " is not valid JSON: " + Json.describe(e));
    }
  }

  /** Prints {@code document} pretty, followed by a newline, and flushes. */
  public static void print(PrintStream out, JsonNode document) {
    try {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The error document a function's failure is reported as: {@code {errorMessage, errorType}}. */
  public static ObjectNode errorDocument(Throwable e) {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("errorMessage", String.valueOf(e.getMessage()));
    error.put("errorType", e.getClass().getName());
    return error;
  }

  /**
   * The input a command reads from {@code file}: the file loaded as one JSON document and turned
   * into the input by {@code parse}, which throws {@link IllegalArgumentException} (or {@link
   * UncheckedIOException}) saying why the document is not {@code expected}. On any failure the
   * reason is printed on {@code err} after {@code command} and null is returned: a usage error.
   *
   * @param what what the file is, for messages ({@code event}, {@code payload})
   */
  public static <I> I input(
      Path file,
      String what,
      String expected,
      Function<Loaded, I> parse,
      String command,
      PrintStream err) {
    try {
      return parse.apply(load(file, what));
    } catch (InvalidFileException e) {
      err.println(command + ": " + e.getMessage());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println(
          command + ": " + what + " file " + file + " is not " + expected + ": " + e.getMessage());
    }
    return null;
  }
}
