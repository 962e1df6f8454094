package dev.maestro.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad JSON fails to parse, and the exported schema rejects it too: the reader and the published
 * contract agree on what is malformed.
 */
class RejectionTest {

  static Stream<Arguments> samples() {
    return RoundTripTest.samples();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("samples")
  void givenAnUnknownTopLevelProperty_whenRead_thenParsingFailsAndTheSchemaRejectsIt(
      String schema, Object sample) {
    ObjectNode json = (ObjectNode) Json.toTree(sample);
    json.put("unexpected", 1);

    assertRejected(schema, json);
  }

  @Test
  void
      givenAnUnknownPropertyNestedInAnEnvelopesPayload_whenRead_thenParsingFailsAndTheSchemaRejectsIt() {
    ObjectNode json = (ObjectNode) Json.toTree(Samples.envelope(Samples.allPayloads().getFirst()));
    json.withObject("/payload/goalFrame/budget").put("currency", "EUR");

    assertRejected("EventEnvelope", json);
  }

  @Test
  void
      givenAnUnknownPropertyInsideANestedWakeCondition_whenRead_thenParsingFailsAndTheSchemaRejectsIt() {
    ObjectNode json = (ObjectNode) Json.toTree(Samples.wakeConditions().get(5));
    ((ObjectNode) json.withArray("/anyOf").get(2).withArray("/anyOf").get(0)).put("priority", 1);

    assertRejected("WakeCondition", json);
  }

  @Test
  void
      givenAKillEnvelopeCarryingAModelCallPayload_whenRead_thenParsingFailsAndTheSchemaRejectsIt() {
    EventPayload modelCall = Samples.payloads().get(EventType.MODEL_CALL).getFirst();
    ObjectNode json = (ObjectNode) Json.toTree(Samples.envelope(modelCall));
    json.put("type", EventType.KILL.wire());

    assertRejected("EventEnvelope", json);
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        wrong("Lease", Samples.lease(), "/generation", "\"3\"", "a string for an integer"),
        wrong("Lease", Samples.lease(), "/generation", "3.5", "a fraction for an integer"),
        wrong("Lease", Samples.lease(), "/holder", "7", "a number for a string"),
        wrong("Lease", Samples.lease(), "/holder", "true", "a boolean for a string"),
        wrong("Lease", Samples.lease(), "/expiresAt", "\"next tuesday\"", "text for a date-time"),
        wrong("BudgetLimits", Samples.limits(), "/maxUsd", "\"2.00\"", "a string for a number"),
        wrong("BudgetLimits", Samples.limits(), "/maxTokens", "true", "a boolean for an integer"),
        wrong("Spend", Samples.spend(), "/calls", "[7]", "an array for an integer"),
        wrong("GoalFrame", Samples.goalFrame(), "/objective", "{}", "an object for a string"),
        wrong("GoalFrame", Samples.goalFrame(), "/constraints", "\"one\"", "a string for an array"),
        wrong(
            "GoalFrame", Samples.goalFrame(), "/constraints/0", "1", "a number for an array item"),
        wrong("GoalFrame", Samples.goalFrame(), "/budget", "[]", "an array for an object"),
        wrong("Lineage", Samples.lineage(), "/parents/0", "\"NOT-A-UUID\"", "a malformed id"),
        wrong("Continuation", Samples.running(), "/status", "\"PAUSED\"", "an unknown status"),
        wrong("Continuation", Samples.running(), "/tenant", "\"Acme Dairy\"", "a malformed tenant"),
        wrong("Wake", Samples.wake(), "/kind", "\"carrier-pigeon\"", "an unknown wake kind"),
        wrong("WakeCondition", Samples.timer(), "/kind", "\"alarm\"", "an unknown discriminator"),
        wrong(
            "WakeCondition",
            Samples.wakeConditions().get(1),
            "/kinds",
            "\"approve\"",
            "a string for a set"),
        wrong(
            "EventEnvelope",
            envelope(EventType.WAKE),
            "/type",
            "\"explode\"",
            "an unknown event type"),
        wrong(
            "EventEnvelope",
            envelope(EventType.WAKE),
            "/runtime",
            "\"lambda\"",
            "an unknown runtime"),
        wrong(
            "EventEnvelope",
            envelope(EventType.WAKE),
            "/sequence",
            "\"one\"",
            "a string for an integer"),
        wrong(
            "EventEnvelope",
            envelope(EventType.WAKE),
            "/timestamp",
            "\"yesterday\"",
            "text for a date-time"),
        wrong(
            "EventEnvelope",
            envelope(EventType.WAKE),
            "/payload",
            "[]",
            "an array for the payload"),
        wrong(
            "EventEnvelope",
            envelope(EventType.MODEL_CALL),
            "/payload/usd",
            "\"cheap\"",
            "text for a number"),
        wrong("EventPayload.Failed", failed(), "/fatal", "\"true\"", "a string for a boolean"),
        wrong("EventPayload.Failed", failed(), "/fatal", "1", "a number for a boolean"),
        wrong(
            "EventPayload.ModelCall",
            modelCall(),
            "/tokensIn",
            "12.5",
            "a fraction for an integer"),
        wrong(
            "EventPayload.BudgetCharged",
            charge(),
            "/usd",
            "{\"amount\":1}",
            "an object for a number"),
        wrong("EventPayload.Merged", merged(), "/sources", "{}", "an object for an array"));
  }

  @ParameterizedTest(name = "{0}{2} = {3} ({4})")
  @MethodSource("wrongTypes")
  void givenAValueOfTheWrongType_whenRead_thenParsingFailsAndTheSchemaRejectsIt(
      String schema, JsonNode json, String pointer, String value, String what) {
    assertRejected(schema, json);
  }

  @Test
  void givenMalformedJsonText_whenRead_thenParsingFails() {
    assertThatThrownBy(() -> Json.read("{\"holder\":\"w\",", dev.maestro.core.lease.Lease.class))
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(
            () ->
                Json.read(Json.write(Samples.lease()) + " {}", dev.maestro.core.lease.Lease.class))
        .isInstanceOf(UncheckedIOException.class);
  }

  private static void assertRejected(String schema, JsonNode json) {
    Class<?> type = SchemaExporter.exportedTypes().get(schema);
    String text = json.toString();
    assertThatThrownBy(() -> Json.read(text, type))
        .as("reading %s", text)
        .isInstanceOf(UncheckedIOException.class);
    assertThat(Schemas.violations(schema, json)).as("validating %s", text).isNotEmpty();
  }

  private static Arguments wrong(
      String schema, Object sample, String pointer, String value, String what) {
    JsonNode json = Json.toTree(sample);
    JsonPointer path = JsonPointer.compile(pointer);
    JsonNode parent = json.at(path.head());
    JsonNode replacement = Json.tree(value);
    if (parent instanceof ObjectNode object) {
      object.set(path.last().getMatchingProperty(), replacement);
    } else {
      ((ArrayNode) parent).set(path.last().getMatchingIndex(), replacement);
    }
    return Arguments.of(schema, json, pointer, value, what);
  }

  private static Object envelope(EventType type) {
    return Samples.envelope(Samples.payloads().get(type).getFirst());
  }

  private static EventPayload.Failed failed() {
    return new EventPayload.Failed("E", "boom", true);
  }

  private static EventPayload modelCall() {
    return Samples.payloads().get(EventType.MODEL_CALL).getFirst();
  }

  private static EventPayload charge() {
    return new EventPayload.BudgetCharged("c", new BigDecimal("0.10"), 1, 1, "prices");
  }

  private static EventPayload merged() {
    return Samples.payloads().get(EventType.MERGE).getFirst();
  }
}
