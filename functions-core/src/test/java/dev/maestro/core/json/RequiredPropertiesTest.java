package dev.maestro.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the schemas call optional ({@link SchemaExporter#OPTIONAL}) is exactly what the reader lets
 * a document leave out. Java primitives are left out of the "required" half on purpose: the writer
 * always writes them and the schemas require them, but a reader given none takes the primitive's
 * zero value.
 */
class RequiredPropertiesTest {

  /** Every (schema, sample, top-level property) of the object-valued samples. */
  static Stream<Arguments> properties() {
    var cases = new ArrayList<Arguments>();
    for (var entry : Samples.bySchema().entrySet()) {
      for (Object sample : entry.getValue()) {
        ObjectNode json = (ObjectNode) Json.toTree(sample);
        json.fieldNames()
            .forEachRemaining(
                name -> cases.add(Arguments.of(entry.getKey(), sample.getClass(), json, name)));
      }
    }
    return cases.stream();
  }

  static Stream<Arguments> optionalProperties() {
    return properties().filter(a -> isOptional((Class<?>) a.get()[1], (String) a.get()[3]));
  }

  static Stream<Arguments> requiredReferenceProperties() {
    return properties()
        .filter(
            a ->
                !isOptional((Class<?>) a.get()[1], (String) a.get()[3])
                    && !isPrimitive((Class<?>) a.get()[1], (String) a.get()[3]));
  }

  @ParameterizedTest(name = "{0} without {3}")
  @MethodSource("optionalProperties")
  void givenAnOptionalProperty_whenLeftOut_thenTheDocumentParsesAndIsValid(
      String schema, Class<?> type, ObjectNode json, String property) {
    ObjectNode without = json.deepCopy();
    without.remove(property);

    Json.read(without.toString(), SchemaExporter.exportedTypes().get(schema));
    assertThat(Schemas.violations(schema, without)).isEmpty();
  }

  @ParameterizedTest(name = "{0} without {3}")
  @MethodSource("requiredReferenceProperties")
  void givenARequiredProperty_whenLeftOut_thenParsingFailsAndTheSchemaRejectsIt(
      String schema, Class<?> type, ObjectNode json, String property) {
    ObjectNode without = json.deepCopy();
    without.remove(property);

    assertThatThrownBy(
            () -> Json.read(without.toString(), SchemaExporter.exportedTypes().get(schema)))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(Schemas.violations(schema, without)).isNotEmpty();
  }

  @Test
  void givenTheOptionalTable_whenComparedWithTheRecords_thenEveryEntryNamesARealComponent() {
    for (var entry : SchemaExporter.OPTIONAL.entrySet()) {
      var components =
          Arrays.stream(entry.getKey().getRecordComponents())
              .map(RecordComponent::getName)
              .toList();
      assertThat(components).as(entry.getKey().getName()).containsAll(entry.getValue());
    }
  }

  private static boolean isOptional(Class<?> type, String property) {
    return SchemaExporter.OPTIONAL.getOrDefault(type, Set.of()).contains(property);
  }

  private static boolean isPrimitive(Class<?> type, String property) {
    if (!type.isRecord() || type == dev.maestro.core.event.EventEnvelope.class) return false;
    return Arrays.stream(type.getRecordComponents())
        .filter(c -> c.getName().equals(property))
        .map(RecordComponent::getType)
        .anyMatch(Class::isPrimitive);
  }
}
