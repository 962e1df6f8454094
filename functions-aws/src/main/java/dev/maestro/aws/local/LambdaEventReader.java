package dev.maestro.aws.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Date;

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
      throw new IllegalArgumentException(dev.maestro.core.json.Json.describe(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
