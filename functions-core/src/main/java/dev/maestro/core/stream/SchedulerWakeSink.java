package dev.maestro.core.stream;

import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.wake.Wake;
import java.time.Clock;
import java.util.Objects;

/**
 * Delivers stream wakes the way human signals are delivered: registered with the substrate's {@link
 * Scheduler} as due now, so they reach the continuation only through the lease-holding tick path.
 * Registration is keyed by wake id, so a redelivered message replaces rather than duplicates.
 */
public final class SchedulerWakeSink implements WakeSink {

  private final Scheduler scheduler;
  private final Clock clock;

  public SchedulerWakeSink(Scheduler scheduler, Clock clock) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void deliver(ContinuationRef ref, Wake wake) {
    scheduler.register(new ScheduledWake(ref.tenant(), ref.id(), clock.instant(), wake));
  }
}
