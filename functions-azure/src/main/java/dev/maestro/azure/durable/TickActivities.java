package dev.maestro.azure.durable;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import dev.maestro.core.wake.WakeCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bodies of the orchestration's activities. {@code tick} runs the whole tick protocol in one
 * activity ({@link TickEngine#deliver}) and reports the continuation's state after it, so the
 * orchestration knows what to wait for without reading the store itself. All I/O of a continuation
 * happens here, never in the orchestrator.
 */
public final class TickActivities {

  /** Status reported for a continuation that does not exist; the orchestration then ends. */
  public static final String NOT_FOUND = "NOT_FOUND";

  /**
   * How long to wait before looking again at a continuation that is neither ended nor waiting for
   * anything: another worker's tick is running, or one was interrupted and is being resumed.
   */
  public static final Duration RECHECK = Duration.ofSeconds(10);

  private final Supplier<TickEngine> engine;
  private final ContinuationReader reader;
  private final Clock clock;

  /**
   * @param engine the tick engine, resolved on first use (the runtime builds it once per host)
   * @param reader reads the continuation's state after the tick
   * @param clock the clock for {@link #RECHECK}
   */
  public TickActivities(Supplier<TickEngine> engine, ContinuationReader reader, Clock clock) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Activity {@value ContinuationOrchestrator#TICK_ACTIVITY}: delivers the input's wake (if any)
   * and reports what the continuation waits for now. A held lease comes back as "deliver the same
   * wake again at T"; a duplicate or non-matching wake is ignored by the engine and the report is
   * the unchanged state.
   */
  public TickActivityResult tick(TickActivityInput input) {
    var ref = input.ref();
    TickOutcome outcome = input.wake() == null ? null : engine.get().deliver(ref, input.wake());
    return report(outcome, reader.read(ref), clock.instant());
  }

  /** {@link #tick} over the JSON strings that cross the activity boundary. */
  public String tickJson(String input) {
    return tick(TickActivityInput.fromJson(input)).toJson();
  }

  /** What the orchestration is told after a tick with {@code outcome} left {@code state}. */
  static TickActivityResult report(TickOutcome outcome, Optional<Continuation> state, Instant now) {
    String note = outcome == null ? "state read" : describe(outcome);
    if (state.isEmpty()) return TickActivityResult.ended(NOT_FOUND, note);
    Continuation c = state.get();
    String status = c.status().name();
    if (c.status().isTerminal()) return TickActivityResult.ended(status, note);
    if (outcome instanceof TickOutcome.Retry retry) {
      return TickActivityResult.retry(status, retry.notBefore(), note);
    }
    WakeCondition condition = c.wakeCondition();
    if (condition == null || c.currentWakeId() != null) {
      return TickActivityResult.retry(status, now.plus(RECHECK), note);
    }
    TickActivityResult.Timer timer =
        condition.timer().map(t -> new TickActivityResult.Timer(t.timerId(), t.at())).orElse(null);
    return TickActivityResult.waiting(status, timer, !condition.isSleep(), note);
  }

  private static String describe(TickOutcome outcome) {
    return switch (outcome) {
      case TickOutcome.Applied a -> "applied, now " + a.status();
      case TickOutcome.Ignored i -> "ignored: " + i.reason();
      case TickOutcome.Retry r -> "retry at " + r.notBefore() + ": " + r.reason();
      case TickOutcome.Fenced f -> "fenced at generation " + f.generation();
    };
  }
}
