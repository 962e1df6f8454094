package dev.maestro.aws.tick;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.wake.Wake;
import java.time.Instant;
import java.util.Objects;

/**
 * The input of one tick execution: which continuation, and the wake to deliver. The scheduler's
 * schedules, the signal path and the sweeper start executions with this document; the state
 * machine's {@code NextTick} state builds it for a timer it waited out itself.
 *
 * @param dueAt when the wake was due in the timer ledger; the ledger entry is acknowledged with it
 *     once the tick is over (defaults to the wake's own time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TickRequest(
    @JsonProperty("tenant") TenantId tenant,
    @JsonProperty("continuation_id") ContinuationId continuationId,
    @JsonProperty("wake") Wake wake,
    @JsonProperty("due_at") Instant dueAt) {

  public TickRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuation_id");
    Objects.requireNonNull(wake, "wake");
  }

  /** The request that delivers {@code scheduled}. */
  public static TickRequest of(ScheduledWake scheduled) {
    return new TickRequest(
        scheduled.tenant(), scheduled.continuationId(), scheduled.wake(), scheduled.dueAt());
  }

  @JsonIgnore
  public ContinuationRef ref() {
    return new ContinuationRef(tenant, continuationId);
  }

  /** The timer-ledger entry this request delivers. */
  @JsonIgnore
  public ScheduledWake scheduled() {
    return new ScheduledWake(tenant, continuationId, dueAt == null ? wake.at() : dueAt, wake);
  }
}
