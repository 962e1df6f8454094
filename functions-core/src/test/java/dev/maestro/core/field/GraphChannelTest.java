package dev.maestro.core.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The graph channel: it proposes the publish and complete results of the continuation's parents and
 * children, reads only its own tenant's continuations, and keeps to its bounds.
 */
class GraphChannelTest {

  static final TenantId ACME = TenantId.of("acme");
  static final TenantId UMBRELLA = TenantId.of("umbrella");
  static final Instant SPAWNED = Instant.parse("2026-03-01T09:00:00Z");
  static final String OBJECTIVE = "Evidence brief on rumen-protected choline in dairy cows";

  private final ManualClock clock = new ManualClock(SPAWNED.plus(Duration.ofHours(1)));
  private final MemorySubstrate memory = new MemorySubstrate();
  private final List<TenantId> readsAs = new CopyOnWriteArrayList<>();
  private final ContinuationService continuations =
      new ContinuationService(recording(memory.substrate()), clock, new SplittableRandom(7));

  /** The substrate with every read through the event log and the store noted by tenant. */
  private Substrate recording(Substrate s) {
    EventLog log =
        new EventLog() {
          @Override
          public AppendResult append(
              TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
            return s.events().append(tenant, id, fence, events);
          }

          @Override
          public List<EventEnvelope> read(
              TenantId tenant, ContinuationId id, long afterSequence, int limit) {
            readsAs.add(tenant);
            return s.events().read(tenant, id, afterSequence, limit);
          }
        };
    return new Substrate(s.continuations(), log, s.scheduler(), s.idempotency());
  }

  private static ObjectNode note(String value) {
    return JsonNodeFactory.instance.objectNode().put("finding", value);
  }

  private FieldQuery query(ContinuationId id) {
    return new FieldQuery(ACME, id, OBJECTIVE, null, 100, clock.instant(), null);
  }

  /** A continuation of {@code tenant} whose lineage names {@code parent}. */
  private ContinuationId spawnChildOf(TenantId tenant, ContinuationId parent) {
    Fixtures.Spawned base = Fixtures.spawned(tenant, Fixtures.newId(SPAWNED), SPAWNED, OBJECTIVE);
    var first = (EventPayload.Spawn) base.spawn().payload();
    var payload =
        new EventPayload.Spawn(
            first.goalFrame(),
            new Lineage(List.of(parent), List.of(), parent),
            first.workingState(),
            first.firstWake());
    EventEnvelope spawn =
        EventEnvelope.seal(
            base.id(),
            tenant,
            0,
            1,
            SPAWNED,
            "trace-" + base.id().value(),
            "span-1",
            Runtime.MAESTRO,
            payload,
            EventEnvelope.GENESIS);
    memory.substrate().continuations().create(ContinuationFold.fold(List.of(spawn)), spawn);
    return base.id();
  }

  private void fork(ContinuationId parent, ContinuationId child) {
    memory.append(parent, new EventPayload.Forked(child, 1, BudgetLimits.ofUsd(BigDecimal.ONE, 0)));
  }

  @Test
  void givenAParentAndAChild_whenTheGraphChannelRecalls_thenTheirOverlappingResultsComeBack() {
    ContinuationId parent = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    EventEnvelope parentFinding =
        memory.append(parent, new EventPayload.Published("notes", note("choline raised milk")));
    memory.append(parent, new EventPayload.Published("notes", note("sunny weather")));
    memory.append(
        parent,
        new EventPayload.ToolCall("c-1", "search", note("choline cows"), note("hits"), true));
    ContinuationId self = spawnChildOf(ACME, parent);
    memory.append(self, new EventPayload.Published("notes", note("choline of my own")));
    ContinuationId child = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    fork(self, child);
    EventEnvelope childResult =
        memory.append(child, new EventPayload.Completed(note("choline dose for dairy cows"), null));
    ContinuationId stranger = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(stranger, new EventPayload.Published("notes", note("choline in cows")));

    List<FieldCandidate> recalled = new GraphChannel(continuations).recall(query(self), 10);

    assertThat(recalled).hasSize(2).allMatch(c -> c.channel() == Channel.GRAPH);
    assertThat(recalled)
        .extracting(c -> c.provenance().get(0))
        .containsExactlyInAnyOrder(
            new Provenance(
                GraphChannel.SOURCE,
                parent.value() + "#" + parentFinding.sequence(),
                parentFinding.timestamp(),
                GraphChannel.TRUST),
            new Provenance(
                GraphChannel.SOURCE,
                child.value() + "#" + childResult.sequence(),
                childResult.timestamp(),
                GraphChannel.TRUST));
    assertThat(recalled)
        .extracting(FieldCandidate::text)
        .anyMatch(t -> t.startsWith("parent " + parent.value() + " published to notes: "))
        .anyMatch(t -> t.startsWith("child " + child.value() + " completed with "));
  }

  @Test
  void
      givenAMergeInASourcesLog_whenTheGraphChannelRecalls_thenTheMergedChildIsAChildNotTheOtherSources() {
    ContinuationId self = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    ContinuationId otherSource = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    memory.append(otherSource, new EventPayload.Published("notes", note("choline elsewhere")));
    ContinuationId merged = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    EventEnvelope result =
        memory.append(merged, new EventPayload.Completed(note("choline merged finding"), null));
    memory.append(
        self,
        new EventPayload.Merged(
            List.of(self, otherSource),
            "concat",
            merged,
            dev.maestro.core.budget.BudgetLimits.ofUsd(java.math.BigDecimal.ONE, 0)));

    List<FieldCandidate> recalled = new GraphChannel(continuations).recall(query(self), 10);

    assertThat(recalled)
        .extracting(c -> c.provenance().get(0).uri())
        .containsExactly(merged.value() + "#" + result.sequence());
    assertThat(recalled.get(0).text()).startsWith("child " + merged.value() + " completed with ");
  }

  @Test
  void givenEdgesToAnotherTenant_whenTheGraphChannelRecalls_thenThatTenantIsNeverRead() {
    ContinuationId self = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    ContinuationId foreignChild = spawnChildOf(UMBRELLA, self);
    memory.append(foreignChild, new EventPayload.Published("notes", note("choline in cows")));
    ContinuationId foreignSource = memory.spawn(UMBRELLA, OBJECTIVE, SPAWNED).id();
    memory.append(foreignSource, new EventPayload.Published("notes", note("choline in cows")));
    fork(self, foreignChild);
    memory.append(self, new EventPayload.Merged(List.of(foreignSource), "concat"));

    List<FieldCandidate> recalled = new GraphChannel(continuations).recall(query(self), 10);

    assertThat(recalled).isEmpty();
    assertThat(Set.copyOf(readsAs)).containsExactly(ACME);
  }

  @Test
  void givenManyChildren_whenTheGraphChannelRecalls_thenItKeepsToItsBounds() {
    ContinuationId self = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    var children = new java.util.ArrayList<ContinuationId>();
    for (int n = 0; n < 5; n++) {
      ContinuationId child = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
      children.add(child);
      fork(self, child);
      for (int k = 0; k < 3; k++) {
        memory.append(
            child, new EventPayload.Published("notes", note("choline trial " + n + "-" + k)));
      }
    }

    List<FieldCandidate> recalled = new GraphChannel(continuations, 2, 2).recall(query(self), 100);

    assertThat(recalled).hasSize(4);
    assertThat(recalled)
        .extracting(c -> c.provenance().get(0).uri())
        .allMatch(
            uri ->
                uri.startsWith(children.get(0).value() + "#")
                    || uri.startsWith(children.get(1).value() + "#"))
        .noneMatch(uri -> uri.endsWith("#2")); // the oldest publish of each is beyond M = 2
  }

  @Test
  void givenBoundsBelowOne_whenTheChannelIsBuilt_thenItIsRefused() {
    assertThatThrownBy(() -> new GraphChannel(continuations, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GraphChannel(continuations, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
