package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One continuation's log for the append benchmarks: created with its spawn event, then extended one
 * sealed, hash-chained event at a time by a single thread (as a tick does, at generation 0 since no
 * lease is taken).
 */
final class EventChain {
  private final TenantId tenant;
  private final ContinuationId id;
  long sequence;
  String lastHash;

  private EventChain(TenantId tenant, ContinuationId id, long sequence, String lastHash) {
    this.tenant = tenant;
    this.id = id;
    this.sequence = sequence;
    this.lastHash = lastHash;
  }

  static EventChain create(ContinuationStore store, TenantId tenant, RandomGenerator random) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ContinuationId id = ContinuationId.newId(now, random);
    var goal = GoalFrame.of("append benchmark", BudgetLimits.ofUsd(BigDecimal.ONE, 0), null, null);
    var spawn =
        new EventPayload.Spawn(
            goal,
            Lineage.root(id),
            JsonNodeFactory.instance.objectNode(),
            new WakeCondition.Timer("start", now));
    EventEnvelope first =
        EventEnvelope.seal(
            id,
            tenant,
            0,
            1,
            now,
            "0".repeat(32),
            "0".repeat(16),
            Runtime.MAESTRO,
            spawn,
            EventEnvelope.GENESIS);
    Continuation initial = ContinuationFold.fold(List.of(first));
    store.create(initial, first);
    return new EventChain(tenant, id, 1, first.hash());
  }

  TenantId tenant() {
    return tenant;
  }

  ContinuationId id() {
    return id;
  }

  /** The next event of this log, sealed and chained to the previous one (generation 0). */
  EventEnvelope next() {
    var payload =
        new EventPayload.ToolCall(
            "call-" + (sequence + 1),
            "bench.noop",
            JsonNodeFactory.instance.objectNode().put("n", sequence + 1),
            JsonNodeFactory.instance.objectNode(),
            true);
    EventEnvelope e =
        EventEnvelope.seal(
            id,
            tenant,
            0,
            ++sequence,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            "0".repeat(32),
            "0".repeat(16),
            Runtime.MAESTRO,
            payload,
            lastHash);
    lastHash = e.hash();
    return e;
  }
}
