package dev.maestro.otel;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventType;
import dev.maestro.core.substrate.EventLog;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the span id of a continuation's {@code spawn} event, the parent of all its tick spans, when
 * the spawn was appended by another process (an API function, or this process before a restart).
 */
@FunctionalInterface
public interface SpawnSpans {

  /** The spawn event's span id, or empty when it cannot be found. */
  Optional<String> spanId(TenantId tenant, ContinuationId id);

  /** Knows no spawn span beyond the ones this process saw appended. */
  SpawnSpans NONE = (tenant, id) -> Optional.empty();

  /** Reads the continuation's first event (one event, one read) from {@code log}. */
  static SpawnSpans fromLog(EventLog log) {
    Objects.requireNonNull(log, "log");
    return (tenant, id) -> {
      List<EventEnvelope> first = log.read(tenant, id, 0, 1);
      return first.isEmpty() || first.get(0).type() != EventType.SPAWN
          ? Optional.empty()
          : Optional.of(first.get(0).spanId());
    };
  }
}
