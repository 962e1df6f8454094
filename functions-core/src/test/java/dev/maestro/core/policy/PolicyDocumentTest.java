package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.json.Json;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Policy documents are read strictly, and every problem names its field. */
class PolicyDocumentTest {

  private static ObjectNode valid() {
    return (ObjectNode) Json.toTree(Inputs.delegatingDocument());
  }

  private static List<String> pointers(ObjectNode doc) {
    try {
      PolicyDocument.parse(doc.toString());
    } catch (InvalidInputException e) {
      return e.errors().stream().map(FieldError::pointer).toList();
    }
    throw new AssertionError("accepted: " + doc);
  }

  @Test
  void givenTheDefaultAndASampleDocument_whenWrittenAndParsed_thenTheyComeBackEqual() {
    PolicyDocument defaults = PolicyDocument.defaults(TenantId.of("acme"));

    assertThat(PolicyDocument.parse(Json.write(defaults))).isEqualTo(defaults);
    assertThat(PolicyDocument.parse(valid().toString())).isEqualTo(Inputs.delegatingDocument());
  }

  static Stream<Arguments> breakages() {
    return Stream.of(
        Arguments.of("/version", "2"),
        Arguments.of("/tenant", "\"Not A Tenant\""),
        Arguments.of("/revision", "-1"),
        Arguments.of("/enabled", "\"yes\""),
        Arguments.of("/tiers/max", "\"gpt\""),
        Arguments.of("/tiers/largeContextTokens", "0"),
        Arguments.of("/softCapFraction", "0"),
        Arguments.of("/softCapFraction", "1.5"),
        Arguments.of("/allowedTools", "\"fetch\""),
        Arguments.of("/maxForks", "0"),
        Arguments.of("/approval/usdThreshold", "-1"),
        Arguments.of("/approval/riskThreshold", "2"),
        Arguments.of("/externalRuntimes/safetyMarginSeconds", "99999"),
        Arguments.of("/deferSeconds", "1.5"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("breakages")
  void givenOneBadField_whenParsed_thenTheErrorNamesIt(String pointer, String value) {
    ObjectNode doc = valid();
    int cut = pointer.lastIndexOf('/');
    ((ObjectNode) doc.at(pointer.substring(0, cut)))
        .set(pointer.substring(cut + 1), Json.tree(value));

    assertThat(pointers(doc)).containsExactly(pointer);
  }

  @Test
  void givenSeveralProblems_whenParsed_thenEveryOneIsNamedAtOnce() {
    ObjectNode doc = valid();
    doc.remove("maxForks");
    doc.put("colour", "blue");
    doc.withObject("/tiers").put("synthesize", "opus").put("max", "sonnet");
    doc.withObject("/externalRuntimes").putArray("agentcore").add("haiku").add("haiku");
    doc.putArray("costlyTools").add("shell.exec");

    assertThat(pointers(doc))
        .containsExactlyInAnyOrder(
            "/maxForks",
            "/colour",
            "/tiers/synthesize",
            "/externalRuntimes/agentcore/1",
            "/costlyTools/0");
  }

  @Test
  void givenMalformedJson_whenParsed_thenTheRootIsNamed() {
    assertThatThrownBy(() -> PolicyDocument.parse("{\"version\": 1,"))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> assertThat(((InvalidInputException) e).errors().get(0).pointer()).isEmpty());
    assertThatThrownBy(() -> PolicyDocument.parse("{\"version\":1,\"version\":1}"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void givenAStore_whenADocumentIsLoaded_thenItGovernsItsTenantAndOthersGetTheDefault() {
    var store = new InMemoryPolicyStore();
    store.load(valid().toString());

    assertThat(store.policyFor(Inputs.TENANT).document().revision()).isEqualTo(5);
    assertThat(store.policyFor(TenantId.of("other")).document())
        .isEqualTo(PolicyDocument.defaults(TenantId.of("other")));
  }

  // ---- the daily budget cap -------------------------------------------------------------------

  @Test
  void givenNoDailyObject_whenParsed_thenTheTenantHasNoDailyCap() {
    PolicyDocument doc = PolicyDocument.parse(valid().toString());

    assertThat(doc.daily()).isNull();
    assertThat(doc.dailyLimits()).isNull();
    assertThat(TenantPolicy.of(doc).dailyLimits()).isEmpty();
    assertThat(Json.write(doc)).doesNotContain("daily");
  }

  @Test
  void givenADailyCapWithoutASoftCap_whenParsed_thenTheSoftCapIsTheSoftCapFractionOfIt() {
    ObjectNode json = valid();
    json.putObject("daily").put("dailyUsd", new java.math.BigDecimal("50.00"));

    PolicyDocument doc = PolicyDocument.parse(json.toString());

    assertThat(doc.daily().dailyUsd()).isEqualByComparingTo("50");
    assertThat(doc.daily().dailySoftUsd()).isNull();
    var limits = TenantPolicy.of(doc).dailyLimits().orElseThrow();
    assertThat(limits.maxUsd()).isEqualByComparingTo("50");
    assertThat(limits.softUsd()).isEqualByComparingTo("40"); // softCapFraction 0.8
    assertThat(limits.maxTokens()).isZero();
    assertThat(PolicyDocument.parse(Json.write(doc))).isEqualTo(doc);
  }

  @Test
  void givenADailyCapWithASoftCap_whenParsed_thenBothAreKept() {
    ObjectNode json = valid();
    json.putObject("daily").put("dailyUsd", 50).put("dailySoftUsd", 30);

    PolicyDocument doc = PolicyDocument.parse(json.toString());

    var limits = TenantPolicy.of(doc).dailyLimits().orElseThrow();
    assertThat(limits.maxUsd()).isEqualByComparingTo("50");
    assertThat(limits.softUsd()).isEqualByComparingTo("30");
    assertThat(PolicyDocument.parse(Json.write(doc))).isEqualTo(doc);
  }

  static Stream<Arguments> dailyBreakages() {
    return Stream.of(
        Arguments.of("null", "/daily", "must not be null"),
        Arguments.of("\"50\"", "/daily", "must be a JSON object"),
        Arguments.of("{}", "/daily/dailyUsd", "is required"),
        Arguments.of(
            "{\"dailyUsd\": -1}", "/daily/dailyUsd", "must be a number between 0 and 1000000"),
        Arguments.of(
            "{\"dailyUsd\": \"5\"}", "/daily/dailyUsd", "must be a number between 0 and 1000000"),
        Arguments.of(
            "{\"dailyUsd\": 2000000}", "/daily/dailyUsd", "must be a number between 0 and 1000000"),
        Arguments.of(
            "{\"dailyUsd\": 5, \"dailySoftUsd\": 6}",
            "/daily/dailySoftUsd",
            "must not be above /daily/dailyUsd"),
        Arguments.of(
            "{\"dailyUsd\": 5, \"dailySoftUsd\": null}", "/daily/dailySoftUsd", "must not be null"),
        Arguments.of("{\"dailyUsd\": 5, \"hard\": 6}", "/daily/hard", "unknown field"));
  }

  @ParameterizedTest(name = "daily = {0}")
  @MethodSource("dailyBreakages")
  void givenABadDailyObject_whenParsed_thenTheErrorNamesTheField(
      String daily, String pointer, String detail) {
    ObjectNode doc = valid();
    doc.set("daily", Json.tree(daily));

    assertThatThrownBy(() -> PolicyDocument.parse(doc.toString()))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).errors())
                    .containsExactly(new FieldError(pointer, detail)));
  }

  @Provide
  Arbitrary<String> fields() {
    return Arbitraries.of(
        "version",
        "tenant",
        "revision",
        "enabled",
        "tiers",
        "softCapFraction",
        "allowedTools",
        "costlyTools",
        "maxForks",
        "approval",
        "externalRuntimes",
        "deferSeconds");
  }

  @Provide
  Arbitrary<String> wrongValues() {
    return Arbitraries.of("null", "\"x\"", "-7", "[1]", "{\"a\":1}", "true", "0.5");
  }

  @Property
  void aWrongOrMissingTopLevelFieldIsAlwaysNamed(
      @ForAll("fields") String field, @ForAll("wrongValues") String value) {
    ObjectNode doc = valid();
    doc.set(field, Json.tree(value));
    ObjectNode missing = valid();
    missing.remove(field);

    List<String> wrong;
    try {
      PolicyDocument.parse(doc.toString());
      wrong = List.of();
    } catch (InvalidInputException e) {
      wrong = e.errors().stream().map(FieldError::pointer).toList();
    }
    // a few values are legal for some fields (0.5 for the soft cap, true for enabled)
    if (!wrong.isEmpty()) assertThat(wrong).allMatch(p -> p.startsWith("/" + field));
    assertThat(pointers(missing)).containsExactly("/" + field);
  }
}
