package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.field.FieldPolicy;
import dev.maestro.core.field.FieldWeights;
import dev.maestro.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The optional {@code field} section of a policy document: a tenant's context field policy. */
class PolicyFieldSectionTest {

  static final String SECTION =
      """
      {"weights": {"rel": 0, "sem": 0.7, "lex": 0.2, "rec": 0, "trust": 0.1, "red": 0.5},
       "recencyHalfLifeSeconds": 86400, "minScore": 0.05, "mmrFloor": -0.5,
       "maxSimilarity": 0.9, "ttlSeconds": 120}
      """;

  @TempDir Path dir;

  private static ObjectNode withField(String tenant, String section) {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(TenantId.of(tenant)));
    doc.set("field", Json.tree(section));
    return doc;
  }

  @Test
  void givenNoFieldSection_whenParsed_thenTheTenantGetsTheDefaultFieldPolicy() {
    PolicyDocument doc =
        PolicyDocument.parse(Json.write(PolicyDocument.defaults(TenantId.of("a"))));

    assertThat(doc.field()).isNull();
    assertThat(doc.fieldPolicy()).isEqualTo(FieldPolicy.DEFAULTS);
    assertThat(Json.write(doc)).doesNotContain("\"field\"");
  }

  @Test
  void givenAFieldSection_whenParsed_thenItsWeightsAndSettingsAreTheTenants() {
    PolicyDocument doc = PolicyDocument.parse(withField("acme", SECTION).toString());

    FieldPolicy field = doc.fieldPolicy();
    assertThat(field.weights()).isEqualTo(new FieldWeights(0, 0.7, 0.2, 0, 0.1, 0.5));
    assertThat(field.settings().recencyHalfLife()).isEqualTo(Duration.ofDays(1));
    assertThat(field.settings().minScore()).isEqualTo(0.05);
    assertThat(field.settings().mmrFloor()).isEqualTo(-0.5);
    assertThat(field.settings().maxSimilarity()).isEqualTo(0.9);
    assertThat(field.settings().ttl()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void givenADocumentWithAFieldSection_whenWrittenAndParsed_thenItComesBackEqual() {
    PolicyDocument doc = PolicyDocument.parse(withField("acme", SECTION).toString());

    assertThat(PolicyDocument.parse(Json.write(doc))).isEqualTo(doc);
  }

  static Stream<Arguments> fieldBreakages() {
    return Stream.of(
        Arguments.of("/field", "null", "/field", "must not be null"),
        Arguments.of("/field", "[]", "/field", "must be a JSON object"),
        Arguments.of("/field/weights", "null", "/field/weights", "must not be null"),
        Arguments.of(
            "/field/weights/sem",
            "-0.1",
            "/field/weights/sem",
            "must be a number between 0 and 100"),
        Arguments.of(
            "/field/weights/red",
            "\"x\"",
            "/field/weights/red",
            "must be a number between 0 and 100"),
        Arguments.of(
            "/field/weights/rel",
            "101",
            "/field/weights/rel",
            "must be a number between 0 and 100"),
        Arguments.of("/field/weights/bm25", "1", "/field/weights/bm25", "unknown field"),
        Arguments.of(
            "/field/recencyHalfLifeSeconds",
            "0",
            "/field/recencyHalfLifeSeconds",
            "must be an integer between 1 and 316224000"),
        Arguments.of(
            "/field/ttlSeconds",
            "1.5",
            "/field/ttlSeconds",
            "must be an integer between 1 and 86400"),
        Arguments.of(
            "/field/maxSimilarity",
            "0",
            "/field/maxSimilarity",
            "must be greater than 0 and at most 1"),
        Arguments.of(
            "/field/maxSimilarity",
            "1.2",
            "/field/maxSimilarity",
            "must be a number between 0 and 1"),
        Arguments.of(
            "/field/minScore", "-101", "/field/minScore", "must be a number between -100 and 100"),
        Arguments.of("/field/ttl", "60", "/field/ttl", "unknown field"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("fieldBreakages")
  void givenABadFieldValue_whenParsed_thenTheErrorNamesItsPointer(
      String at, String value, String pointer, String detail) {
    ObjectNode doc = withField("acme", SECTION);
    String[] path = at.substring(1).split("/");
    ObjectNode parent = doc;
    for (int i = 0; i < path.length - 1; i++) parent = (ObjectNode) parent.get(path[i]);
    parent.set(path[path.length - 1], Json.tree(value));

    assertThatThrownBy(() -> PolicyDocument.parse(doc.toString()))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errors())
                    .containsExactly(new FieldError(pointer, detail)));
  }

  @Test
  void givenAFieldSectionMissingAProperty_whenParsed_thenThePropertyIsNamedAsRequired() {
    ObjectNode doc = withField("acme", SECTION);
    ((ObjectNode) doc.get("field")).remove("mmrFloor");
    ((ObjectNode) doc.get("field").get("weights")).remove("trust");

    assertThatThrownBy(() -> PolicyDocument.parse(doc.toString()))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errors())
                    .containsExactlyInAnyOrder(
                        new FieldError("/field/mmrFloor", "is required"),
                        new FieldError("/field/weights/trust", "is required")));
  }

  @Test
  void givenOnlyTheRedundancyWeight_whenParsed_thenTheWeightsObjectIsNamed() {
    ObjectNode doc =
        withField(
            "acme",
            SECTION.replace(
                "\"rel\": 0, \"sem\": 0.7, \"lex\": 0.2, \"rec\": 0, \"trust\": 0.1",
                "\"rel\": 0, \"sem\": 0, \"lex\": 0, \"rec\": 0, \"trust\": 0"));

    assertThatThrownBy(() -> PolicyDocument.parse(doc.toString()))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errors())
                    .containsExactly(
                        new FieldError(
                            "/field/weights",
                            "at least one of rel, sem, lex, rec, trust must be greater than 0")));
  }

  @Test
  void givenAPolicyDirectory_whenLoaded_thenEachTenantHasItsOwnFieldPolicy() throws Exception {
    Files.writeString(dir.resolve("acme.json"), withField("acme", SECTION).toString());
    Files.writeString(
        dir.resolve("globex.json"), Json.write(PolicyDocument.defaults(TenantId.of("globex"))));

    InMemoryPolicyStore store = InMemoryPolicyStore.fromDirectory(dir);

    assertThat(store.policyFor(TenantId.of("acme")).document().fieldPolicy().weights().sem())
        .isEqualTo(0.7);
    assertThat(store.policyFor(TenantId.of("globex")).document().fieldPolicy())
        .isEqualTo(FieldPolicy.DEFAULTS);
    assertThat(store.policyFor(TenantId.of("initech")).document().fieldPolicy())
        .isEqualTo(FieldPolicy.DEFAULTS);
  }

  @Test
  void givenABadFieldSectionInAPolicyDirectory_whenLoaded_thenTheFileAndPointerAreNamed()
      throws Exception {
    Files.writeString(
        dir.resolve("acme.json"),
        withField("acme", SECTION.replace("\"ttlSeconds\": 120", "\"ttlSeconds\": -1")).toString());

    assertThatThrownBy(() -> InMemoryPolicyStore.fromDirectory(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme.json: /field/ttlSeconds");
  }
}
