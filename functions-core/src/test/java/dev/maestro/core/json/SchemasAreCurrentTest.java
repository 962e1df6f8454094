package dev.maestro.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checked-in schemas ({@code src/main/resources/schemas}) are exactly what {@link
 * SchemaExporter} generates from the current code, and they ship in the jar.
 */
class SchemasAreCurrentTest {

  /** Surefire runs in the module's directory. */
  private static final Path CHECKED_IN =
      Path.of("src", "main", "resources", SchemaExporter.RESOURCE_FOLDER);

  @Test
  void givenTheCurrentModels_whenSchemasAreGeneratedInMemory_thenTheCheckedInFilesAreIdentical()
      throws IOException {
    SortedMap<String, String> generated = SchemaExporter.render();
    var checkedIn = new TreeSet<String>();
    try (Stream<Path> files = Files.list(CHECKED_IN)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(SchemaExporter.SUFFIX))
          .forEach(checkedIn::add);
    }
    List<String> problems = new ArrayList<>();
    for (var file : generated.entrySet()) {
      Path path = CHECKED_IN.resolve(file.getKey());
      if (!Files.exists(path)) {
        problems.add("missing: " + file.getKey());
      } else if (!Files.readString(path, StandardCharsets.UTF_8).equals(file.getValue())) {
        problems.add("stale: " + file.getKey());
      }
    }
    for (String name : checkedIn) {
      if (!generated.containsKey(name)) problems.add("no longer generated: " + name);
    }
    if (!problems.isEmpty()) {
      fail(
          "The checked-in JSON Schemas in "
              + CHECKED_IN
              + " differ from the code ("
              + String.join(", ", problems)
              + "). Regenerate them with:\n  "
              + SchemaExporter.REGENERATE_COMMAND
              + "\nand commit the result.");
    }
  }

  @Test
  void givenTwoGenerations_whenRendered_thenTheBytesAreIdentical() {
    assertThat(SchemaExporter.render()).isEqualTo(SchemaExporter.render());
  }

  @Test
  void givenEveryRenderedSchema_whenInspected_thenItUsesLineFeedsAndEndsInOneNewline() {
    for (var file : SchemaExporter.render().entrySet()) {
      assertThat(file.getValue())
          .as(file.getKey())
          .endsWith("}\n")
          .doesNotEndWith("\n\n")
          .doesNotContain("\r")
          .contains("\n  \"");
    }
  }

  @Test
  void givenEveryRenderedSchema_whenParsed_thenEveryObjectsKeysAndEveryRequiredListAreSorted() {
    for (var file : SchemaExporter.render().entrySet()) {
      assertSorted(file.getKey(), Json.tree(file.getValue()));
    }
  }

  private static void assertSorted(String where, JsonNode node) {
    if (node.isObject()) {
      var keys = new ArrayList<String>();
      node.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).as(where).isSorted();
      for (String key : keys) {
        JsonNode value = node.get(key);
        if (key.equals("required") && value.isArray()) {
          var items = new ArrayList<String>();
          value.forEach(item -> items.add(item.asText()));
          assertThat(items).as(where + "/required").isSorted();
        }
        assertSorted(where + "/" + key, value);
      }
    } else if (node.isArray()) {
      node.forEach(item -> assertSorted(where + "[]", item));
    }
  }

  @Test
  void givenTheJar_whenSchemasAreLookedUpOnTheClasspath_thenEveryExportedSchemaIsThere()
      throws IOException {
    for (String file : SchemaExporter.render().keySet()) {
      try (InputStream in =
          getClass().getResourceAsStream("/" + SchemaExporter.RESOURCE_FOLDER + "/" + file)) {
        assertThat(in).as(file).isNotNull();
      }
    }
  }

  @Test
  void givenEveryExportedSchema_whenCheckedAgainstTheDraft202012MetaSchema_thenItIsValid() {
    for (var schema : SchemaExporter.generate().entrySet()) {
      assertThat(Schemas.metaSchema().validate(schema.getValue())).as(schema.getKey()).isEmpty();
    }
  }
}
