package dev.maestro.azure.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The wall clock, which a local invocation may move forward ({@code --no-wait}): a durable timer
 * then fires at once, and everything after it (leases, due timers, event times) sees the later
 * time.
 */
public final class LocalClock extends Clock {

  private final Clock base = Clock.systemUTC();
  private volatile Duration offset = Duration.ZERO;

  /** Moves this clock forward to {@code until}; never back. */
  public synchronized void jumpTo(Instant until) {
    Duration ahead = Duration.between(instant(), until);
    if (ahead.isPositive()) offset = offset.plus(ahead);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
