package dev.maestro.aws.streams;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Reads Lambda event files into the events library's types the way the Lambda Java runtime does: by
 * bean property name, case-insensitively ({@code Records}, {@code NewImage}, {@code S}), unknown
 * fields ignored, and the numeric timestamps of Kinesis and DynamoDB Streams records ({@code
 * approximateArrivalTimestamp}, {@code ApproximateCreationDateTime}) read as epoch seconds, as the
 * runtime's serializer reads them.
 */
public final class LambdaEvents {

  private static final ObjectMapper EVENTS =
      JsonMapper.builder()
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .addModule(new SimpleModule().addDeserializer(Date.class, new EpochSecondsDate()))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private LambdaEvents() {}

  /** Epoch seconds, possibly fractional, as a {@link Date}. */
  private static final class EpochSecondsDate extends StdDeserializer<Date> {
    EpochSecondsDate() {
      super(Date.class);
    }

    @Override
    public Date deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return new Date(parser.getDecimalValue().movePointRight(3).longValue());
    }
  }

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
    try {
      return EVENTS.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
