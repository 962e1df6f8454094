package dev.maestro.core.field;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.time.ManualClock;
import dev.maestro.core.wake.WakeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The human and stream channels: each proposes only its own kind of event from the continuation's
 * log, when it overlaps the goal, with its provenance, trust and time; the episodic channel no
 * longer proposes what they own.
 */
class EventChannelsTest {

  static final TenantId ACME = TenantId.of("acme");
  static final Instant SPAWNED = Instant.parse("2026-03-01T09:00:00Z");
  static final String OBJECTIVE = "Evidence brief on rumen-protected choline in dairy cows";

  private final ManualClock clock = new ManualClock(SPAWNED.plus(Duration.ofHours(1)));
  private final MemorySubstrate memory = new MemorySubstrate();
  private final ContinuationService continuations =
      new ContinuationService(memory.substrate(), clock, new SplittableRandom(7));

  private static ObjectNode note(String key, String value) {
    return JsonNodeFactory.instance.objectNode().put(key, value);
  }

  private FieldQuery query(ContinuationId id) {
    return new FieldQuery(ACME, id, OBJECTIVE, null, 100, clock.instant(), null);
  }

  @Test
  void givenHumanSignals_whenTheHumanChannelRecalls_thenOverlappingOnesComeRedirectsFirst() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    EventEnvelope approve =
        memory.append(
            id,
            new EventPayload.HumanSignal(
                "s-1", "approve", "ana", note("note", "choline dairy cows choline plan")));
    EventEnvelope redirect =
        memory.append(
            id,
            new EventPayload.HumanSignal(
                "s-2", "redirect", "bo", note("note", "focus on cows in early lactation")));
    memory.append(
        id, new EventPayload.HumanSignal("s-3", "approve", "ana", note("note", "sunny weather")));
    memory.append(id, new EventPayload.Published("notes", note("finding", "choline in cows")));

    List<FieldCandidate> recalled = new HumanChannel(continuations).recall(query(id), 10);

    assertThat(recalled).hasSize(2);
    assertThat(recalled).allMatch(c -> c.channel() == Channel.HUMAN);
    FieldCandidate first = recalled.get(0);
    assertThat(first.text()).startsWith("human redirect by bo: ").contains("early lactation");
    assertThat(first.provenance())
        .containsExactly(
            new Provenance(
                HumanChannel.SOURCE,
                id.value() + "#" + redirect.sequence(),
                redirect.timestamp(),
                1.0));
    assertThat(recalled.get(1).provenance().get(0).uri())
        .isEqualTo(id.value() + "#" + approve.sequence());
    assertThat(recalled.get(1).feature(FieldCandidate.COSINE))
        .isGreaterThan(first.feature(FieldCandidate.COSINE));
  }

  @Test
  void givenStreamWakes_whenTheStreamChannelRecalls_thenOverlappingPayloadsComeWithTheirTime() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    EventEnvelope wake =
        memory.append(
            id,
            new EventPayload.Woken(
                "w-1",
                WakeKind.STREAM,
                "feed.dairy",
                note("headline", "New choline trial in dairy cows")));
    memory.append(
        id,
        new EventPayload.Woken("w-2", WakeKind.STREAM, "feed.weather", note("headline", "rain")));
    memory.append(
        id, new EventPayload.Woken("w-3", WakeKind.TIMER, "timer", note("about", "choline dairy")));
    memory.append(id, new EventPayload.Published("notes", note("finding", "choline in cows")));

    List<FieldCandidate> recalled = new StreamChannel(continuations).recall(query(id), 10);

    assertThat(recalled)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.channel()).isEqualTo(Channel.STREAM);
              assertThat(c.text()).startsWith("stream feed.dairy: ").contains("choline trial");
              assertThat(c.provenance())
                  .containsExactly(
                      new Provenance(
                          StreamChannel.SOURCE,
                          id.value() + "#" + wake.sequence(),
                          wake.timestamp(),
                          StreamChannel.TRUST));
              assertThat(c.feature(FieldCandidate.COSINE)).isBetween(0.0, 1.0);
            });
  }

  @Test
  void givenAnEventLaterThanTheQuery_whenTheStreamChannelRecalls_thenItIsLeftOut() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(
        id,
        new EventPayload.Woken(
            "w-1", WakeKind.STREAM, "feed.dairy", note("headline", "choline in cows")));
    var before = new FieldQuery(ACME, id, OBJECTIVE, null, 100, SPAWNED, null);

    assertThat(new StreamChannel(continuations).recall(before, 10)).isEmpty();
  }

  @Test
  void givenSignalsAndWakes_whenTheEpisodicChannelRecalls_thenItLeavesThemToTheirChannels() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(
        id, new EventPayload.HumanSignal("s-1", "redirect", "ana", note("note", "choline cows")));
    memory.append(
        id,
        new EventPayload.Woken(
            "w-1", WakeKind.STREAM, "feed.dairy", note("headline", "choline in cows")));
    EventEnvelope published =
        memory.append(id, new EventPayload.Published("notes", note("finding", "choline in cows")));

    List<FieldCandidate> recalled = new EpisodicChannel(continuations).recall(query(id), 10);

    assertThat(recalled)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.provenance().get(0).uri())
                    .isEqualTo(id.value() + "#" + published.sequence()));
  }

  @Test
  void givenAGoalWithNoWordWorthMatching_whenTheChannelsRecall_thenTheyProposeNothing() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(
        id, new EventPayload.HumanSignal("s-1", "redirect", "ana", note("note", "the and")));
    var empty = new FieldQuery(ACME, id, "of the and", null, 100, clock.instant(), null);

    assertThat(new HumanChannel(continuations).recall(empty, 10)).isEmpty();
    assertThat(new StreamChannel(continuations).recall(empty, 10)).isEmpty();
  }
}
