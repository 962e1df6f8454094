package dev.maestro.core.fairness;

import dev.maestro.core.continuation.TenantId;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of one {@link TickAdmission#next()}: the tick to run, if any, and the tenants whose
 * pending ticks were passed over because they are past their hard budget cap (still queued, so the
 * caller can report or expire them).
 */
public record Admission(Optional<TickRequest> admitted, Set<TenantId> deferred) {

  public Admission {
    admitted = admitted == null ? Optional.empty() : admitted;
    deferred = Set.copyOf(deferred);
  }
}
