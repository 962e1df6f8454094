package dev.maestro.eval.chaos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A schedule's true time, moved only by the chaos driver (never by the wall clock), and the skewed
 * views of it that workers read: a worker whose clock is {@code +3 s} sees every lease expire three
 * seconds early and stamps its events three seconds late.
 */
final class SimClock extends Clock {

  private volatile Instant now;

  SimClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Moves true time forward by {@code by}. */
  synchronized void advance(Duration by) {
    if (by.isNegative()) throw new IllegalArgumentException("time never moves back: " + by);
    now = now.plus(by);
  }

  /** Moves true time forward to {@code until}; never back. */
  synchronized void advanceTo(Instant until) {
    if (until.isAfter(now)) now = until;
  }

  /** A clock that reads this one's time plus {@code skew} (which may be negative). */
  Clock skewed(Duration skew) {
    SimClock truth = this;
    return new Clock() {
      @Override
      public Instant instant() {
        return truth.instant().plus(skew);
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }

  @Override
  public Instant instant() {
    return now;
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
