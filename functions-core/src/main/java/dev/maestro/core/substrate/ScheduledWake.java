package dev.maestro.core.substrate;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.wake.Wake;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A wake to deliver to a continuation at or after {@code dueAt}. Keyed by (tenant, id, wake id).
 */
public record ScheduledWake(
    TenantId tenant, ContinuationId continuationId, Instant dueAt, Wake wake) {

  /**
   * The order {@link TimerQueue#due} delivers in: earliest first, ties broken by tenant,
   * continuation and wake id so every store answers alike.
   */
  public static final Comparator<ScheduledWake> DELIVERY_ORDER =
      Comparator.comparing(ScheduledWake::dueAt)
          .thenComparing(w -> w.tenant().value())
          .thenComparing(w -> w.continuationId().value())
          .thenComparing(w -> w.wake().id());

  public ScheduledWake {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuationId");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(wake, "wake");
  }

  public ContinuationRef ref() {
    return new ContinuationRef(tenant, continuationId);
  }
}
