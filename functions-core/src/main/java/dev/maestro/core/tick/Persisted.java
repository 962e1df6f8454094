package dev.maestro.core.tick;

import dev.maestro.core.continuation.Status;
import dev.maestro.core.substrate.ScheduledWake;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TickEngine#persist} saved: the status and log head after the tick, and the timer the
 * continuation now waits for, which the caller registers (or waits out itself, when short).
 */
public record Persisted(Status status, long lastSequence, Optional<ScheduledWake> nextTimer) {
  public Persisted {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(nextTimer, "nextTimer");
  }
}
