package dev.maestro.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The wall clock, which a local run may move forward (the CLI's {@code --no-wait}): a wait then
 * passes at once, and everything after it (leases, due timers, event times) sees the later time. It
 * never moves back.
 */
public final class JumpingClock extends Clock {

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
