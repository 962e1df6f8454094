package dev.maestro.aws.streams;

import dev.maestro.aws.local.LambdaEventReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The event files under {@code events/} (test resources), as text or read into the events library's
 * types the way the Lambda Java runtime does ({@link LambdaEventReader}).
 */
public final class LambdaEvents {

  private LambdaEvents() {}

  /** The file {@code events/name} as text. */
  public static String text(String name) {
    try (InputStream in = LambdaEvents.class.getResourceAsStream("/events/" + name)) {
      if (in == null) throw new IllegalArgumentException("no event file " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file {@code events/name} read into {@code type}. */
  public static <T> T read(String name, Class<T> type) {
    return fromJson(text(name), type);
  }

  /** JSON text read into {@code type}. */
  public static <T> T fromJson(String json, Class<T> type) {
    return LambdaEventReader.read(json, type);
  }
}
