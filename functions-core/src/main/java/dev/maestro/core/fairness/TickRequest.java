package dev.maestro.core.fairness;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A continuation asking for one tick: what {@link TickAdmission} orders. The cost estimate is in
 * whatever unit the caller charges fairness in (estimated milliseconds or micro-dollars); it must
 * be positive, since a free request would let a tenant take unbounded service.
 */
public record TickRequest(
    TenantId tenant, ContinuationId continuation, long costEstimate, Instant enqueuedAt) {

  public TickRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuation, "continuation");
    Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    if (costEstimate <= 0) {
      throw new IllegalArgumentException(
          "cost estimate must be positive, got " + costEstimate + " for tenant " + tenant);
    }
  }
}
