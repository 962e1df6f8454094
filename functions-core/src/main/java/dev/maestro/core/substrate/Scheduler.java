package dev.maestro.core.substrate;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.util.List;

/**
 * Delivers wakes later: timers for sleeps, and (with {@code dueAt = now}) signals that must reach a
 * continuation through the lease-holding tick path. Delivery is at least once.
 */
public interface Scheduler {

  /**
   * Registers {@code wake}. Idempotent on (tenant, continuation, wake id): registering the same key
   * again replaces the due time and payload, never duplicates the delivery.
   */
  void register(ScheduledWake wake);

  /** Cancels a pending wake; true if one was removed. */
  boolean cancel(TenantId tenant, ContinuationId id, String wakeId);

  /** The pending (not yet acknowledged) wakes of one continuation, earliest first. */
  List<ScheduledWake> pending(TenantId tenant, ContinuationId id);
}
