package dev.maestro.core.fairness;

import dev.maestro.core.continuation.TenantId;

/**
 * A tenant already has as many ticks pending as its queue holds; the request was not queued. The
 * bound keeps one tenant's burst from growing the admission queue without limit.
 */
public final class TenantQueueFullException extends IllegalStateException {

  private final transient TenantId tenant;

  public TenantQueueFullException(TenantId tenant, int capacity) {
    super("tick queue of tenant " + tenant + " is full (" + capacity + " pending)");
    this.tenant = tenant;
  }

  /** The tenant whose queue is full. */
  public TenantId tenant() {
    return tenant;
  }
}
