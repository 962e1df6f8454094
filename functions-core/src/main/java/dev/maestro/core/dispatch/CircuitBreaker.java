package dev.maestro.core.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A provider's health as seen by failover: closed while calls succeed; open after {@code
 * failureThreshold} consecutive retryable failures, refusing calls for {@code coolDown}; then
 * half-open, letting one trial call through, whose success closes it and whose failure opens it
 * again. Time comes from the injected clock. Thread-safe.
 */
public final class CircuitBreaker {

  /** The breaker's states. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final Duration coolDown;
  private final Clock clock;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openedAt;
  private boolean trialInFlight;

  public CircuitBreaker(int failureThreshold, Duration coolDown, Clock clock) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be >= 1: " + failureThreshold);
    }
    this.failureThreshold = failureThreshold;
    this.coolDown = Objects.requireNonNull(coolDown, "coolDown");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The state now, moving an open breaker to half-open once its cool-down has passed. */
  public synchronized State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(coolDown))) {
      state = State.HALF_OPEN;
      trialInFlight = false;
    }
    return state;
  }

  /** Whether a call may go out now; in half-open, only the one trial call may. */
  public synchronized boolean tryAcquire() {
    return switch (state()) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (trialInFlight) {
          yield false;
        }
        trialInFlight = true;
        yield true;
      }
    };
  }

  /** The call answered: the provider is healthy. */
  public synchronized void recordSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    trialInFlight = false;
  }

  /** The call failed retryably: counts towards opening, and reopens a half-open breaker. */
  public synchronized void recordFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
      state = State.OPEN;
      openedAt = clock.instant();
      trialInFlight = false;
    }
  }

  /** The call failed for a reason that says nothing about health: releases a half-open trial. */
  public synchronized void recordNeutral() {
    trialInFlight = false;
  }
}
