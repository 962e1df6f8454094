package dev.maestro.core.field;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.time.ManualClock;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default field service with the event-log channels: one field draws on the log, a person's
 * signals, a stream and a child, and its manifest reports every channel.
 */
class EventChannelsFieldTest {

  static final TenantId ACME = TenantId.of("acme");
  static final Instant SPAWNED = Instant.parse("2026-03-01T09:00:00Z");
  static final String OBJECTIVE = "Evidence brief on rumen-protected choline in dairy cows";

  private final ManualClock clock = new ManualClock(SPAWNED.plus(Duration.ofHours(1)));
  private final MemorySubstrate memory = new MemorySubstrate();
  private final ContinuationService continuations =
      new ContinuationService(memory.substrate(), clock, new SplittableRandom(7));

  private static ObjectNode note(String value) {
    return JsonNodeFactory.instance.objectNode().put("text", value);
  }

  @Test
  void givenHistoryInEveryEventChannel_whenTheFieldIsAsked_thenItemsComeFromEachOfThem() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    ContinuationId child = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(child, new EventPayload.Published("notes", note("choline lifted dairy yield")));
    memory.append(id, new EventPayload.Published("notes", note("choline helps transition cows")));
    memory.append(
        id, new EventPayload.HumanSignal("s-1", "redirect", "ana", note("only dairy cows")));
    memory.append(
        id,
        new EventPayload.Woken("w-1", WakeKind.STREAM, "feed", note("rumen-protected choline")));
    memory.append(id, new EventPayload.Forked(child, 1, BudgetLimits.ofUsd(BigDecimal.ONE, 0)));

    FieldManifest field =
        FieldServices.episodic(continuations, clock)
            .field(new Principal(ACME, "ana", Set.of()), id, null);

    assertThat(field.channels())
        .extracting(ChannelReport::name)
        .containsExactly(
            EpisodicChannel.NAME, HumanChannel.NAME, StreamChannel.NAME, GraphChannel.NAME);
    assertThat(field.channels())
        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(ChannelReport.Outcome.ANSWERED));
    assertThat(field.items())
        .extracting(FieldItem::channel)
        .containsExactlyInAnyOrder(Channel.EPISODIC, Channel.HUMAN, Channel.STREAM, Channel.GRAPH);
    assertThat(field.items())
        .extracting(i -> i.provenance().get(0).source())
        .containsExactlyInAnyOrder(
            EpisodicChannel.SOURCE, HumanChannel.SOURCE, StreamChannel.SOURCE, GraphChannel.SOURCE);
  }

  @Test
  void givenTheDefaultService_whenListed_thenTheEventChannelsFollowTheEpisodicOne() {
    assertThat(FieldServices.of(continuations, List.of(), clock).channels())
        .extracting(RecallChannel::kind)
        .containsExactly(Channel.EPISODIC, Channel.HUMAN, Channel.STREAM, Channel.GRAPH);
  }
}
