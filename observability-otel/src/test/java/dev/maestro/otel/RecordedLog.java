package dev.maestro.otel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Writes a continuation's log the way the tick engine appends it: each {@link #append} is one batch
 * with its own span id under the continuation's trace id, all events of a batch at one instant.
 */
final class RecordedLog {

  final ContinuationId id;
  final TenantId tenant = TenantId.of("acme");
  final List<EventEnvelope> events = new ArrayList<>();
  private final Random random = new Random(7);
  private long generation;

  RecordedLog(Instant at) {
    this.id = ContinuationId.newId(at, random);
  }

  /** The spawn event (generation 0), its first wake due at {@code at}. */
  EventEnvelope spawn(Instant at) {
    var goal =
        GoalFrame.of(
            "recorded",
            BudgetLimits.ofUsd(BigDecimal.ONE, 0),
            "noop",
            JsonNodeFactory.instance.objectNode());
    return append(
            at,
            new EventPayload.Spawn(
                goal,
                Lineage.root(id),
                JsonNodeFactory.instance.objectNode(),
                new WakeCondition.Timer("start", at)))
        .get(0);
  }

  /** Starts a new tick: the next appends carry a higher generation. */
  RecordedLog nextGeneration() {
    generation++;
    return this;
  }

  /** One batch: {@code payloads} sealed with one fresh span id at {@code at}. */
  List<EventEnvelope> append(Instant at, EventPayload... payloads) {
    byte[] span = new byte[8];
    random.nextBytes(span);
    String spanId = HexFormat.of().formatHex(span);
    var batch = new ArrayList<EventEnvelope>();
    for (EventPayload p : payloads) {
      EventEnvelope previous = events.isEmpty() ? null : events.get(events.size() - 1);
      EventEnvelope e =
          EventEnvelope.seal(
              id,
              tenant,
              generation,
              previous == null ? 1 : previous.sequence() + 1,
              at,
              id.traceId(),
              spanId,
              Runtime.MAESTRO,
              p,
              previous == null ? EventEnvelope.GENESIS : previous.hash());
      events.add(e);
      batch.add(e);
    }
    return batch;
  }

  static EventPayload.ModelCall modelCall(String callId, String usd) {
    return new EventPayload.ModelCall(
        callId, "local", "local-small", "small", 100, 20, 5, new BigDecimal(usd), "pass", true);
  }

  static EventPayload.BudgetCharged charge(String callId, String usd) {
    return new EventPayload.BudgetCharged(callId, new BigDecimal(usd), 100, 20, "list-2026");
  }
}
