package dev.maestro.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checked-in schemas as shipped in the jar ({@code classpath:schemas/}), compiled once with
 * {@code format} asserted, so that a malformed {@code date-time} is an error and not an annotation.
 */
public final class Schemas {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /**
   * The shipped schema called {@code name} (e.g. {@code GoalFrame}, {@code EventPayload.Spawn}).
   */
  public static JsonSchema named(String name) {
    return CACHE.computeIfAbsent(
        name,
        n ->
            FACTORY.getSchema(
                SchemaLocation.of(
                    "classpath:"
                        + SchemaExporter.RESOURCE_FOLDER
                        + "/"
                        + n
                        + SchemaExporter.SUFFIX),
                CONFIG));
  }

  /** The draft 2020-12 meta-schema (bundled with the validator; no network). */
  public static JsonSchema metaSchema() {
    return CACHE.computeIfAbsent(
        "$meta",
        n ->
            FACTORY.getSchema(
                SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"), CONFIG));
  }

  /** The violations of {@code json} against the schema {@code name}, as readable lines. */
  public static List<String> violations(String name, JsonNode json) {
    return named(name).validate(json).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  /** The violations of {@code json} against the schema {@code name}. */
  public static List<String> violations(String name, String json) {
    return violations(name, Json.tree(json));
  }
}
