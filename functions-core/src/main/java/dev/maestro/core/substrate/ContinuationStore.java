package dev.maestro.core.substrate;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.lease.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Continuation records: the snapshot (a cache of the fold) and the lease that fences every write.
 * Every method is scoped by tenant: a continuation of another tenant is indistinguishable from a
 * missing one. See ADR-0001 (ports) and ADR-0003 (leases and fencing).
 */
public interface ContinuationStore {

  /**
   * Atomically stores {@code initial} and appends its {@code spawn} event (sequence 1, generation
   * 0) to the log. Either both are written or neither.
   *
   * @throws dev.maestro.core.error.ConflictException if a continuation with this id exists
   */
  void create(Continuation initial, EventEnvelope spawn);

  /** The stored snapshot, which may lag the log; fold the events after it for the current state. */
  Optional<Continuation> find(TenantId tenant, ContinuationId id);

  /**
   * Replaces the snapshot with a newer fold. A snapshot whose {@code lastSequence} is not newer
   * than the stored one is ignored (snapshots only move forward).
   *
   * @throws dev.maestro.core.error.FencedException if {@code fence} is older than the current lease
   *     generation
   * @throws dev.maestro.core.error.NotFoundException if the continuation does not exist
   */
  void saveSnapshot(Continuation snapshot, long fence);

  /**
   * Takes the lease if it is free or expired at {@code now}, bumping the generation by one.
   *
   * @throws dev.maestro.core.error.LeaseHeldException if another lease is live at {@code now}
   * @throws dev.maestro.core.error.NotFoundException if the continuation does not exist
   */
  Lease acquireLease(TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now);

  /**
   * Extends {@code lease} to {@code now + ttl}, if it is still the current lease (same generation
   * and holder), even if it expired meanwhile but nobody took it over.
   *
   * @throws dev.maestro.core.error.FencedException if another worker has taken the lease since
   */
  Lease renewLease(TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now);

  /** Frees {@code lease} if it is still current; otherwise does nothing. The generation stays. */
  void releaseLease(TenantId tenant, ContinuationId id, Lease lease);

  /** The current lease record (live or expired), if one was ever acquired. */
  Optional<Lease> currentLease(TenantId tenant, ContinuationId id);

  /**
   * A page of continuations, across tenants, whose snapshot is not terminal, ordered by (tenant,
   * id) after {@code after} (null for the first page). For recovery sweeps by the runtime only;
   * never exposed to callers.
   */
  List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit);

  /**
   * Validates {@link #create}'s arguments: the spawn event must belong to {@code initial} and be a
   * {@code spawn} at sequence 1, generation 0.
   *
   * @throws IllegalArgumentException if it is not
   */
  static void checkCreate(Continuation initial, EventEnvelope spawn) {
    java.util.Objects.requireNonNull(initial, "initial");
    java.util.Objects.requireNonNull(spawn, "spawn");
    if (!spawn.tenant().equals(initial.tenant()) || !spawn.continuationId().equals(initial.id())) {
      throw new IllegalArgumentException(
          "the spawn event belongs to "
              + spawn.tenant()
              + "/"
              + spawn.continuationId()
              + ", not to "
              + initial.tenant()
              + "/"
              + initial.id());
    }
    if (spawn.type() != dev.maestro.core.event.EventType.SPAWN
        || spawn.sequence() != 1
        || spawn.generation() != 0) {
      throw new IllegalArgumentException(
          "a continuation is created with a spawn event at sequence 1, generation 0");
    }
  }

  /**
   * Validates lease arguments ({@link #acquireLease}, {@link #renewLease}): a non-blank holder, a
   * positive TTL, a time.
   *
   * @throws IllegalArgumentException if they are not
   */
  static void checkLeaseArguments(String holder, Duration ttl, Instant now) {
    java.util.Objects.requireNonNull(holder, "holder");
    java.util.Objects.requireNonNull(ttl, "ttl");
    java.util.Objects.requireNonNull(now, "now");
    if (holder.isBlank()) throw new IllegalArgumentException("a lease holder must not be blank");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease ttl must be positive");
    }
  }
}
