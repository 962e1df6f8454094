package dev.maestro.eval.chaos;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.Substrate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One worker's view of the real substrate: every port call goes through to the store, but the
 * worker dies at the {@link CrashPoint} its {@link FaultArm} names (before or after the write
 * commits), and a dead worker's further calls, including the {@code finally} that would release its
 * lease, never reach the store.
 */
final class CrashingSubstrate {

  private CrashingSubstrate() {}

  /** {@code real}'s ports, decorated with {@code arm}'s faults. */
  static Substrate wrap(Substrate real, FaultArm arm) {
    return new Substrate(
        new Continuations(real.continuations(), arm),
        new Events(real.events(), arm),
        new Timers(real.scheduler(), arm),
        real.idempotency());
  }

  private record Continuations(ContinuationStore real, FaultArm arm) implements ContinuationStore {

    @Override
    public void create(Continuation initial, EventEnvelope spawn) {
      arm.ensureAlive();
      real.create(initial, spawn);
    }

    @Override
    public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
      arm.ensureAlive();
      return real.find(tenant, id);
    }

    @Override
    public void saveSnapshot(Continuation snapshot, long fence) {
      arm.ensureAlive();
      real.saveSnapshot(snapshot, fence);
      arm.reach(CrashPoint.AFTER_SNAPSHOT);
    }

    @Override
    public Lease acquireLease(
        TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
      arm.ensureAlive();
      Lease lease = real.acquireLease(tenant, id, holder, ttl, now);
      arm.reach(CrashPoint.AFTER_LEASE);
      return lease;
    }

    @Override
    public Lease renewLease(
        TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
      arm.ensureAlive();
      return real.renewLease(tenant, id, lease, ttl, now);
    }

    @Override
    public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
      arm.reach(CrashPoint.BEFORE_RELEASE);
      real.releaseLease(tenant, id, lease);
    }

    @Override
    public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
      arm.ensureAlive();
      return real.currentLease(tenant, id);
    }

    @Override
    public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
      arm.ensureAlive();
      return real.scanUnfinished(after, limit);
    }
  }

  private record Events(EventLog real, FaultArm arm) implements EventLog {

    @Override
    public AppendResult append(
        TenantId tenant, ContinuationId id, long fence, List<EventEnvelope> events) {
      boolean closing = events.stream().anyMatch(e -> closes(e.payload()));
      boolean waking = !events.isEmpty() && events.get(0).payload() instanceof EventPayload.Woken;
      if (closing) arm.reach(CrashPoint.BEFORE_STEP_APPEND);
      else arm.ensureAlive();
      AppendResult result = real.append(tenant, id, fence, events);
      if (waking) arm.reach(CrashPoint.AFTER_WAKE_APPEND);
      if (closing) arm.reach(CrashPoint.AFTER_STEP_APPEND);
      return result;
    }

    @Override
    public List<EventEnvelope> read(
        TenantId tenant, ContinuationId id, long afterSequence, int limit) {
      arm.ensureAlive();
      return real.read(tenant, id, afterSequence, limit);
    }

    private static boolean closes(EventPayload p) {
      return p instanceof EventPayload.Slept
          || p instanceof EventPayload.Completed
          || p instanceof EventPayload.Killed
          || (p instanceof EventPayload.Failed f && f.fatal());
    }
  }

  private record Timers(Scheduler real, FaultArm arm) implements Scheduler {

    @Override
    public void register(ScheduledWake wake) {
      arm.ensureAlive();
      real.register(wake);
    }

    @Override
    public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
      arm.ensureAlive();
      return real.cancel(tenant, id, wakeId);
    }

    @Override
    public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
      arm.ensureAlive();
      return real.pending(tenant, id);
    }
  }
}
