package dev.maestro.core.tick;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import java.time.Instant;
import java.util.Objects;

/**
 * A tick claimed by {@link TickEngine#claim}: the lease it holds, the wake whose step it runs and
 * the trace its events share. Phases that run in separate processes (Step Functions states) pass it
 * along as JSON; it holds everything they need to re-read the state and write under the fence.
 *
 * @param deferred a wake that arrived while an interrupted tick was pending; the claim resumes the
 *     interrupted tick, and the caller delivers {@code deferred} again afterwards
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Claim(
    @JsonProperty("tenant") TenantId tenant,
    @JsonProperty("continuation_id") ContinuationId continuationId,
    @JsonProperty("lease_holder") String leaseHolder,
    @JsonProperty("lease_generation") long leaseGeneration,
    @JsonProperty("lease_expires_at") Instant leaseExpiresAt,
    @JsonProperty("wake") Wake wake,
    @JsonProperty("trace_id") String traceId,
    @JsonProperty("deferred") Wake deferred) {

  public Claim {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuation_id");
    Objects.requireNonNull(leaseHolder, "lease_holder");
    Objects.requireNonNull(leaseExpiresAt, "lease_expires_at");
    Objects.requireNonNull(wake, "wake");
    Objects.requireNonNull(traceId, "trace_id");
  }

  Claim(ContinuationRef ref, Lease lease, Wake wake, String traceId, Wake deferred) {
    this(
        ref.tenant(),
        ref.id(),
        lease.holder(),
        lease.generation(),
        lease.expiresAt(),
        wake,
        traceId,
        deferred);
  }

  /** The claimed continuation. */
  @JsonIgnore
  public ContinuationRef ref() {
    return new ContinuationRef(tenant, continuationId);
  }

  /** The lease the claim holds (its generation is the fence). */
  @JsonIgnore
  public Lease lease() {
    return new Lease(leaseHolder, leaseExpiresAt, leaseGeneration);
  }
}
