package dev.maestro.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventType;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model and every event type survives the wire: written with {@link Json}, read back equal,
 * and valid against its exported schema.
 */
class RoundTripTest {

  static Stream<Arguments> samples() {
    return Samples.bySchema().entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(sample -> Arguments.of(e.getKey(), sample)));
  }

  private static Class<?> typeOf(String schemaName) {
    return SchemaExporter.exportedTypes().get(schemaName);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("samples")
  void givenASample_whenWrittenAndReadBack_thenItEqualsTheOriginal(String schema, Object sample) {
    String json = Json.write(sample);

    Object back = Json.read(json, typeOf(schema));

    assertThat(back).isEqualTo(sample);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("samples")
  void givenASample_whenWritten_thenTheJsonIsValidAgainstItsExportedSchema(
      String schema, Object sample) {
    String json = Json.write(sample);

    assertThat(Schemas.violations(schema, json)).as(json).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("samples")
  void givenASample_whenWrittenReadAndWrittenAgain_thenTheJsonIsIdentical(
      String schema, Object sample) {
    String json = Json.write(sample);

    assertThat(Json.write(Json.read(json, typeOf(schema)))).isEqualTo(json);
  }

  @Test
  void givenTheSamples_whenComparedWithTheExports_thenEveryExportedSchemaHasASample() {
    assertThat(Samples.bySchema().keySet())
        .containsExactlyInAnyOrderElementsOf(SchemaExporter.exportedTypes().keySet());
  }

  @Test
  void givenTheSamples_whenTheirEnvelopesAreListed_thenEveryEventTypeIsCovered() {
    assertThat(Samples.envelopes().stream().map(EventEnvelope::type).distinct())
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(EventType.values()));
  }
}
