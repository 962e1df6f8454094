package dev.maestro.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.Samples;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The hash survives the wire and catches every single-field edit of a stored event. */
class EventEnvelopeHashTest {

  static Stream<EventEnvelope> envelopes() {
    return Samples.envelopes().stream();
  }

  static Stream<Arguments> tampers() {
    return envelopes()
        .flatMap(
            e ->
                Tampering.everySingleFieldTamper(e).stream()
                    .map(t -> Arguments.of(e.type().wire(), t)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("envelopes")
  void givenASealedEnvelope_whenWrittenAndReadBack_thenItsHashIsStillValid(EventEnvelope sealed) {
    EventEnvelope back = Json.read(Json.write(sealed), EventEnvelope.class);

    assertThat(back).isEqualTo(sealed);
    assertThat(back.hashIsValid()).isTrue();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("tampers")
  void givenOneFieldOfAStoredEventChanged_whenReadBack_thenTheHashNoLongerMatches(
      String type, Tampering.Tamper tamper) {
    EventEnvelope tampered = Json.read(tamper.json(), EventEnvelope.class);

    assertThat(tampered.hashIsValid()).isFalse();
  }

  @Test
  void givenTheSameContent_whenSealedTwice_thenTheHashIsTheSame() {
    EventPayload payload = Samples.allPayloads().getFirst();

    assertThat(Samples.envelope(payload).hash()).isEqualTo(Samples.envelope(payload).hash());
  }

  @Test
  void givenAStoredEventWithItsKeysReordered_whenReadBack_thenTheHashStillMatches() {
    EventEnvelope sealed = Samples.envelope(Samples.allPayloads().getFirst());
    ObjectNode json = (ObjectNode) Json.toTree(sealed);
    var names = new ArrayList<String>();
    json.fieldNames().forEachRemaining(names::add);
    Collections.reverse(names);
    ObjectNode reordered = JsonNodeFactory.instance.objectNode();
    names.forEach(name -> reordered.set(name, json.get(name)));

    assertThat(Json.read(reordered.toString(), EventEnvelope.class).hashIsValid()).isTrue();
  }

  @Test
  void
      givenDecimalsWithTrailingZeros_whenTheEventIsWrittenAndReadBack_thenTheyKeepTheirScaleAndTheHashMatches() {
    ObjectNode content =
        JsonNodeFactory.instance
            .objectNode()
            .put("score", new BigDecimal("1.50"))
            .put("weight", new BigDecimal("10.0"))
            .put("ratio", 1.0);
    List<EventEnvelope> sealed =
        List.of(
            Samples.envelope(
                new EventPayload.BudgetCharged("call-1", new BigDecimal("0.10"), 1, 2, "prices")),
            Samples.envelope(new EventPayload.Published("tag", content)));

    for (EventEnvelope event : sealed) {
      EventEnvelope back = Json.read(Json.write(event), EventEnvelope.class);
      assertThat(Json.write(back)).isEqualTo(Json.write(event));
      assertThat(back.hashIsValid()).as(event.type().wire()).isTrue();
    }
  }

  @Test
  void
      givenASignalWaitOnSeveralKinds_whenHashed_thenTheKindsAreInSortedOrderWhateverTheSetsOrder() {
    var condition = new WakeCondition.Signal(Set.of("redirect", "kill", "approve", "pause"));

    assertThat(new String(Json.canonical(condition), java.nio.charset.StandardCharsets.UTF_8))
        .contains("[\"approve\",\"kill\",\"pause\",\"redirect\"]");
  }
}
