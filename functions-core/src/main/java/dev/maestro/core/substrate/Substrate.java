package dev.maestro.core.substrate;

import java.util.Objects;

/**
 * The storage and scheduling ports one deployment runs on (embedded, DynamoDB or Cosmos DB),
 * bundled so the tick engine and the API are wired once. See ADR-0001.
 */
public record Substrate(
    ContinuationStore continuations,
    EventLog events,
    Scheduler scheduler,
    IdempotencyStore idempotency) {
  public Substrate {
    Objects.requireNonNull(continuations, "continuations");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(idempotency, "idempotency");
  }
}
