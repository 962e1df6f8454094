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
}
