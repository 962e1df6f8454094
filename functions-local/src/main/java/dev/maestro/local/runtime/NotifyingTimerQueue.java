package dev.maestro.local.runtime;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A timer queue that tells the dispatcher whenever a wake is registered, so none waits a poll. */
final class NotifyingTimerQueue implements TimerQueue {

  private final TimerQueue delegate;
  private final Runnable onRegister;

  NotifyingTimerQueue(TimerQueue delegate, Runnable onRegister) {
    this.delegate = delegate;
    this.onRegister = onRegister;
  }

  @Override
  public void register(ScheduledWake wake) {
    delegate.register(wake);
    onRegister.run();
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    return delegate.cancel(tenant, id, wakeId);
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    return delegate.pending(tenant, id);
  }

  @Override
  public List<ScheduledWake> due(Instant now, int limit) {
    return delegate.due(now, limit);
  }

  @Override
  public Optional<Instant> nextDueAt() {
    return delegate.nextDueAt();
  }

  @Override
  public void acknowledge(ScheduledWake delivered) {
    delegate.acknowledge(delivered);
  }
}
