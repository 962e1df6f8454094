package dev.maestro.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.Samples;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EventChain#firstDefect} finds gaps, broken links and altered events. */
class EventChainTest {

  /** A five-event log: spawn, wake, model call, charge, sleep. */
  private static List<EventEnvelope> log() {
    List<EventPayload> payloads =
        List.of(
            new EventPayload.Spawn(
                Samples.goalFrame(), Samples.lineage(), Samples.json("{}"), Samples.timer()),
            new EventPayload.Woken("timer-42", WakeKind.TIMER, "timer-42", Samples.json("{}")),
            new EventPayload.ModelCall(
                "call-1",
                "bedrock",
                "m",
                "haiku",
                10,
                5,
                100,
                new BigDecimal("0.002"),
                "allowed",
                false),
            new EventPayload.BudgetCharged("call-1", new BigDecimal("0.002"), 10, 5, "prices"),
            new EventPayload.Slept(Samples.timer(), "later", null));
    var events = new ArrayList<EventEnvelope>();
    String prev = EventEnvelope.GENESIS;
    for (int i = 0; i < payloads.size(); i++) {
      EventEnvelope e = seal(i + 1, payloads.get(i), prev);
      events.add(e);
      prev = e.hash();
    }
    return events;
  }

  private static EventEnvelope seal(long sequence, EventPayload payload, String prevHash) {
    return EventEnvelope.seal(
        Samples.ID,
        Samples.TENANT,
        1,
        sequence,
        Samples.T0.plusSeconds(sequence),
        "trace",
        "span-" + sequence,
        Runtime.MAESTRO,
        payload,
        prevHash);
  }

  @Test
  void givenAnIntactLog_whenVerified_thenThereIsNoDefect() {
    assertThat(EventChain.firstDefect(log())).isEmpty();
  }

  @Test
  void givenAnEmptyLog_whenVerified_thenThereIsNoDefect() {
    assertThat(EventChain.firstDefect(List.of())).isEmpty();
  }

  @Test
  void givenAnIntactLog_whenRoundTrippedThroughJson_thenThereIsStillNoDefect() {
    List<EventEnvelope> stored =
        log().stream().map(e -> Json.read(Json.write(e), EventEnvelope.class)).toList();

    assertThat(EventChain.firstDefect(stored)).isEmpty();
  }

  @Test
  void givenAMissingEvent_whenVerified_thenTheGapIsReported() {
    var events = new ArrayList<>(log());
    events.remove(2);

    assertThat(EventChain.firstDefect(events)).contains("expected sequence 3 but found 4");
  }

  @Test
  void givenALogThatDoesNotStartAtSequenceOne_whenVerified_thenTheGapIsReported() {
    var events = new ArrayList<>(log());
    events.removeFirst();

    assertThat(EventChain.firstDefect(events)).contains("expected sequence 1 but found 2");
  }

  @Test
  void givenTwoEventsSwapped_whenVerified_thenTheOrderDefectIsReported() {
    var events = new ArrayList<>(log());
    var third = events.get(2);
    events.set(2, events.get(3));
    events.set(3, third);

    assertThat(EventChain.firstDefect(events)).contains("expected sequence 3 but found 4");
  }

  @Test
  void givenAnEventResealedOntoTheWrongPredecessor_whenVerified_thenTheBrokenLinkIsReported() {
    var events = new ArrayList<>(log());
    EventEnvelope third = events.get(2);
    events.set(2, seal(3, third.payload(), events.get(0).hash()));

    assertThat(EventChain.firstDefect(events)).contains("event 3 does not link to its predecessor");
  }

  @Test
  void givenAnEventWhosePayloadWasAlteredAfterSealing_whenVerified_thenTheAlterationIsReported() {
    var events = new ArrayList<>(log());
    EventEnvelope third = events.get(2);
    var cheaper =
        new EventPayload.ModelCall(
            "call-1",
            "bedrock",
            "m",
            "haiku",
            10,
            5,
            100,
            new BigDecimal("0.001"),
            "allowed",
            false);
    events.set(
        2,
        new EventEnvelope(
            third.continuationId(),
            third.tenant(),
            third.generation(),
            third.sequence(),
            third.type(),
            third.timestamp(),
            third.traceId(),
            third.spanId(),
            third.runtime(),
            cheaper,
            third.prevHash(),
            third.hash()));

    assertThat(EventChain.firstDefect(events)).contains("event 3 has been altered (hash mismatch)");
  }

  @Test
  void givenAnAlteredEventWhoseHashWasRecomputed_whenVerified_thenTheNextEventNoLongerLinks() {
    var events = new ArrayList<>(log());
    EventEnvelope third = events.get(2);
    events.set(
        2,
        seal(
            3,
            new EventPayload.Published("tag", JsonNodeFactory.instance.objectNode()),
            third.prevHash()));

    assertThat(EventChain.firstDefect(events)).contains("event 4 does not link to its predecessor");
  }

  @Test
  void givenAStoredEventEditedInItsJson_whenVerified_thenTheAlterationIsReported() {
    var events = new ArrayList<>(log());
    Tampering.Tamper tamper =
        Tampering.everySingleFieldTamper(events.get(3)).stream()
            .filter(t -> t.field().equals("payload.usd"))
            .findFirst()
            .orElseThrow();
    events.set(3, Json.read(tamper.json(), EventEnvelope.class));

    assertThat(EventChain.firstDefect(events)).contains("event 4 has been altered (hash mismatch)");
  }
}
