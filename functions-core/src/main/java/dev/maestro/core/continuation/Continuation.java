package dev.maestro.core.continuation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.wake.WakeCondition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A continuation's state: exactly the fold of its events ({@link ContinuationFold}). Stores keep it
 * as a snapshot, a cache of that fold that can always be rebuilt from the log.
 *
 * @param id the continuation id
 * @param tenant the owning tenant
 * @param goalFrame what it is for
 * @param status lifecycle status
 * @param generation the highest lease generation that has written an event (the fencing token)
 * @param lastSequence the sequence of the last folded event
 * @param lastHash the hash of the last folded event (the next event's {@code prevHash})
 * @param budget limits and spend
 * @param wakeCondition what it waits for (null while running or when terminal)
 * @param lineage parents, children and root
 * @param workingState the recipe's state (a JSON object)
 * @param result the deliverable, once completed
 * @param currentWakeId the wake whose tick is running (null when not running)
 * @param recentWakeIds the ids of the most recent accepted wakes and signals, for deduplication
 * @param createdAt when it was spawned
 * @param updatedAt the timestamp of the last folded event
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Continuation(
    ContinuationId id,
    TenantId tenant,
    GoalFrame goalFrame,
    Status status,
    long generation,
    long lastSequence,
    String lastHash,
    Budget budget,
    WakeCondition wakeCondition,
    Lineage lineage,
    JsonNode workingState,
    JsonNode result,
    String currentWakeId,
    List<String> recentWakeIds,
    Instant createdAt,
    Instant updatedAt) {

  /** How many recent wake ids are remembered for deduplication. */
  public static final int RECENT_WAKES = 64;

  public Continuation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(goalFrame, "goalFrame");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lastHash, "lastHash");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(lineage, "lineage");
    Objects.requireNonNull(workingState, "workingState");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    recentWakeIds = recentWakeIds == null ? List.of() : List.copyOf(recentWakeIds);
  }

  /** Whether a wake or signal with this id was already accepted. */
  public boolean hasSeenWake(String wakeId) {
    return recentWakeIds.contains(wakeId) || wakeId.equals(currentWakeId);
  }
}
