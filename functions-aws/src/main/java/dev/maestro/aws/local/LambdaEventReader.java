package dev.maestro.aws.local;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Date;
import java.util.stream.Collectors;

/**
 * Reads Lambda event JSON into the events library's types the way the Lambda Java runtime does, so
 * event files (tests, {@code maestro invoke aws}) reach a handler as they would on AWS: by bean
 * property name, case-insensitively ({@code Records}, {@code NewImage}, {@code S}), unknown fields
 * ignored, and the numeric timestamps of Kinesis and DynamoDB Streams records ({@code
 * approximateArrivalTimestamp}, {@code ApproximateCreationDateTime}) read as epoch seconds, as the
 * runtime's serializer reads them.
 */
public final class LambdaEventReader {

  private static final ObjectMapper EVENTS =
      JsonMapper.builder()
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .addModule(new SimpleModule().addDeserializer(Date.class, new EpochSecondsDate()))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private LambdaEventReader() {}

  /**
   * JSON text read into {@code type}.
   *
   * @throws IllegalArgumentException when the text is not JSON or does not fit {@code type}; the
   *     message says what and where (line, column, field path)
   */
  public static <T> T read(String json, Class<T> type) {
    try {
      return EVENTS.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(describe(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A JSON problem in one line: the parser's message, the field path and the location. */
  public static String describe(JsonProcessingException e) {
    var out =
        new StringBuilder(String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""));
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      out.append(" at ")
          .append(
              m.getPath().stream()
                  .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                  .collect(Collectors.joining(".")));
    }
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      out.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
      out.append(')');
    }
    return out.toString();
  }

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
}
