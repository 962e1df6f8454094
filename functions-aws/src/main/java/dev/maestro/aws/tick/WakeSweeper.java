package dev.maestro.aws.tick;

import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Delivers what the timer ledger says is overdue: the safety net under the pushed deliveries (a
 * schedule that failed to fire, an execution that died in a {@code Wait}), and the only delivery
 * where no state machine is deployed. Run by a scheduled rule every minute. A wake counts as
 * overdue {@code grace} after its due time, so a delivery still in flight is not doubled; a doubled
 * one would be harmless anyway (the wake id deduplicates).
 */
public final class WakeSweeper {

  /** What one sweep did. */
  public record Report(int due, int delivered, int failed) {}

  private final TimerQueue ledger;
  private final Consumer<ScheduledWake> deliver;
  private final Clock clock;
  private final Duration grace;
  private final int limit;

  /**
   * @param deliver starts a tick for a wake (a state machine execution), or runs it
   * @param grace how long after its due time a wake counts as missed
   * @param limit the most wakes one sweep delivers
   */
  public WakeSweeper(
      TimerQueue ledger, Consumer<ScheduledWake> deliver, Clock clock, Duration grace, int limit) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.deliver = Objects.requireNonNull(deliver, "deliver");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.grace = Objects.requireNonNull(grace, "grace");
    if (limit < 1) throw new IllegalArgumentException("limit must be positive");
    this.limit = limit;
  }

  /**
   * A delivery that runs the whole tick in this process (no state machine): the wake is
   * acknowledged when its tick is over, and re-registered for later when the tick asks for a retry.
   */
  public static Consumer<ScheduledWake> inProcess(TickEngine engine, TimerQueue ledger) {
    return wake -> {
      TickOutcome outcome = engine.deliver(wake.ref(), wake.wake());
      switch (outcome) {
        case TickOutcome.Retry r ->
            ledger.register(
                new ScheduledWake(
                    wake.tenant(), wake.continuationId(), r.notBefore(), wake.wake()));
        case TickOutcome.Fenced f -> {} // another worker owns the tick; it stays due
        default -> ledger.acknowledge(wake);
      }
    };
  }

  /** Delivers up to {@code limit} overdue wakes; one failure does not stop the others. */
  public Report sweep() {
    Instant cutoff = clock.instant().minus(grace);
    var due = ledger.due(cutoff, limit);
    int delivered = 0;
    int failed = 0;
    for (ScheduledWake wake : due) {
      try {
        deliver.accept(wake);
        delivered++;
      } catch (RuntimeException e) {
        failed++;
        System.err.println(
            "maestro sweep: delivering " + wake.ref() + " " + wake.wake().id() + " failed: " + e);
      }
    }
    return new Report(due.size(), delivered, failed);
  }
}
