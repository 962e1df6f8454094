package dev.maestro.core.conformance;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.Substrate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A substrate in memory for tests of the code above the ports (the API, the field): it records
 * every create, wake registration and idempotency claim, serves snapshots and logs that tests put
 * in with {@link #spawn} and {@link #append}, and refuses what such tests never need (leases,
 * appends through the port, snapshot saves). Not a substrate implementation: those pass the
 * conformance kit against real stores.
 */
public final class MemorySubstrate {

  /** Every continuation created through the port, in order. */
  public final List<Continuation> created = new CopyOnWriteArrayList<>();

  /** Every wake registered through the port, in order. */
  public final List<ScheduledWake> registered = new CopyOnWriteArrayList<>();

  /** Every idempotency claim made through the port, in order (each is granted). */
  public final List<IdempotencyStore.Claim> claims = new CopyOnWriteArrayList<>();

  private final Map<String, Continuation> snapshots = new ConcurrentHashMap<>();
  private final Map<String, List<EventEnvelope>> logs = new ConcurrentHashMap<>();

  /** Spawns a continuation of {@code tenant} with {@code objective} at {@code at}. */
  public Fixtures.Spawned spawn(TenantId tenant, String objective, Instant at) {
    Fixtures.Spawned s = Fixtures.spawned(tenant, Fixtures.newId(at), at, objective);
    snapshots.put(s.id().value(), s.continuation());
    logs.put(s.id().value(), new CopyOnWriteArrayList<>(List.of(s.spawn())));
    return s;
  }

  /** Appends {@code payload} after the continuation's last event and returns it. */
  public EventEnvelope append(ContinuationId id, EventPayload payload) {
    List<EventEnvelope> log = logs.get(id.value());
    EventEnvelope next = Fixtures.next(log.get(log.size() - 1), 0, payload);
    log.add(next);
    return next;
  }

  /** The ports over this memory. */
  public Substrate substrate() {
    ContinuationStore store =
        new ContinuationStore() {
          @Override
          public void create(Continuation initial, EventEnvelope spawn) {
            if (snapshots.putIfAbsent(initial.id().value(), initial) != null) {
              throw new ConflictException("continuation " + initial.id() + " exists");
            }
            logs.put(initial.id().value(), new CopyOnWriteArrayList<>(List.of(spawn)));
            created.add(initial);
          }

          @Override
          public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
            return Optional.ofNullable(snapshots.get(id.value()))
                .filter(c -> c.tenant().equals(tenant));
          }

          @Override
          public void saveSnapshot(Continuation snapshot, long fence) {
            throw new UnsupportedOperationException("not kept in memory");
          }

          @Override
          public Lease acquireLease(
              TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
            throw new UnsupportedOperationException("not kept in memory");
          }

          @Override
          public Lease renewLease(
              TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
            throw new UnsupportedOperationException("not kept in memory");
          }

          @Override
          public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
            throw new UnsupportedOperationException("not kept in memory");
          }

          @Override
          public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
            return Optional.empty();
          }

          @Override
          public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
            return List.of();
          }
        };
    EventLog events =
        new EventLog() {
          @Override
          public AppendResult append(
              TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> batch) {
            throw new UnsupportedOperationException("tests append with MemorySubstrate.append");
          }

          @Override
          public List<EventEnvelope> read(
              TenantId tenant, ContinuationId id, long afterSequence, int limit) {
            var out = new ArrayList<EventEnvelope>();
            for (EventEnvelope e : logs.getOrDefault(id.value(), List.of())) {
              if (!e.tenant().equals(tenant) || e.sequence() <= afterSequence) continue;
              if (out.size() == limit) break;
              out.add(e);
            }
            return out;
          }
        };
    Scheduler scheduler =
        new Scheduler() {
          @Override
          public void register(ScheduledWake wake) {
            registered.add(wake);
          }

          @Override
          public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
            return false;
          }

          @Override
          public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
            return List.of();
          }
        };
    IdempotencyStore idempotency =
        (tenant, proposed) -> {
          claims.add(proposed);
          return proposed;
        };
    return new Substrate(store, events, scheduler, idempotency);
  }
}
