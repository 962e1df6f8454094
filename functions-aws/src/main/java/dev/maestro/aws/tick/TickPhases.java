package dev.maestro.aws.tick;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.aws.tick.PhaseIo.AcquireInput;
import dev.maestro.aws.tick.PhaseIo.AcquireOutput;
import dev.maestro.aws.tick.PhaseIo.Action;
import dev.maestro.aws.tick.PhaseIo.ClaimInput;
import dev.maestro.aws.tick.PhaseIo.Done;
import dev.maestro.aws.tick.PhaseIo.FailInput;
import dev.maestro.aws.tick.PhaseIo.FailOutput;
import dev.maestro.aws.tick.PhaseIo.Next;
import dev.maestro.aws.tick.PhaseIo.PersistOutput;
import dev.maestro.aws.tick.PhaseIo.ScheduleInput;
import dev.maestro.aws.tick.PhaseIo.StepOutput;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.Claim;
import dev.maestro.core.tick.ClaimResult;
import dev.maestro.core.tick.Persisted;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The tick's phases as the Step Functions Express state machine runs them, one function invocation
 * each: acquire, step, persist, schedule wake, release, and the failure path. Each phase re-reads
 * what it needs, so any invocation may run in any container and be retried.
 *
 * <p>Timers have two deliveries: the {@code ledger} (the substrate's timer table) records every
 * pending timer durably, and either a {@code Wait} state in the same execution (when the timer is
 * due within the execution's window) or the {@code scheduler} (a one-time schedule that starts a
 * new execution) delivers it. A wake's ledger entry is acknowledged once its tick is over, so the
 * sweeper re-delivers any whose execution died.
 */
public final class TickPhases {

  /** Step Functions Express executions last at most five minutes. */
  public static final Duration EXPRESS_LIMIT = Duration.ofMinutes(5);

  /** Room left in the window for the tick that follows a wait. */
  public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(90);

  private static final int MAX_MESSAGE = 1_000;

  private final TickEngine engine;
  private final TimerQueue ledger;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration waitWindow;

  /**
   * @param ledger the durable timer table (acknowledged when a wake's tick is over)
   * @param scheduler delivers wakes later (registers in the ledger too)
   * @param margin how much of the Express window to keep free after an in-execution wait
   */
  public TickPhases(
      TickEngine engine, TimerQueue ledger, Scheduler scheduler, Clock clock, Duration margin) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(margin, "margin");
    if (margin.isNegative() || margin.compareTo(EXPRESS_LIMIT) >= 0)
      throw new IllegalArgumentException("margin must be within the Express window: " + margin);
    this.waitWindow = EXPRESS_LIMIT.minus(margin);
  }

  /** Acquire and decide: claims the wake's step, or says why there is none. */
  public AcquireOutput acquire(AcquireInput in) {
    TickRequest request = in.request();
    ClaimResult result = engine.claim(request.ref(), request.wake());
    return switch (result) {
      case ClaimResult.Claimed c -> new AcquireOutput(Action.STEP, c.claim(), "claimed", null);
      case ClaimResult.Done d ->
          switch (d.outcome()) {
            case TickOutcome.Retry r -> {
              Instant retryAt = ceilToSecond(r.notBefore());
              if (withinWindow(in.startedAt(), retryAt))
                yield new AcquireOutput(Action.WAIT_RETRY, null, r.reason(), retryAt);
              scheduler.register(
                  new ScheduledWake(
                      request.tenant(), request.continuationId(), r.notBefore(), request.wake()));
              yield new AcquireOutput(
                  Action.DONE, null, r.reason() + "; rescheduled for " + r.notBefore(), null);
            }
            case TickOutcome.Fenced f ->
                new AcquireOutput(
                    Action.DONE, null, "fenced at generation " + f.generation(), null);
            case TickOutcome.Ignored i -> {
              ledger.acknowledge(request.scheduled());
              yield new AcquireOutput(Action.DONE, null, i.reason(), null);
            }
            case TickOutcome.Applied a -> {
              ledger.acknowledge(request.scheduled());
              yield new AcquireOutput(Action.DONE, null, "recorded: " + a.status(), null);
            }
          };
    };
  }

  /** Runs the claimed step; {@code fenced} ends the execution (another worker owns the tick). */
  public StepOutput step(ClaimInput in) {
    return switch (engine.step(in.claim())) {
      case TickOutcome.Applied a -> new StepOutput("applied", a.status().name());
      case TickOutcome.Ignored i -> new StepOutput("ignored", i.reason());
      case TickOutcome.Fenced f -> new StepOutput("fenced", "generation " + f.generation());
      case TickOutcome.Retry r -> new StepOutput("ignored", r.reason());
    };
  }

  /**
   * Saves the snapshot and decides how the next timer is delivered: waited out in this execution
   * when due within its window (recorded in the ledger as a backstop), else by the scheduler.
   */
  public PersistOutput persist(ClaimInput in) {
    Persisted p = engine.persist(in.claim());
    if (p.nextTimer().isEmpty())
      return new PersistOutput(p.status(), p.lastSequence(), Next.NONE, null, null);
    ScheduledWake timer = p.nextTimer().get();
    TickRequest next = TickRequest.of(timer);
    Instant waitUntil = ceilToSecond(timer.dueAt());
    if (in.startedAt() != null && withinWindow(in.startedAt(), waitUntil)) {
      ledger.register(timer);
      return new PersistOutput(p.status(), p.lastSequence(), Next.WAIT, next, waitUntil);
    }
    return new PersistOutput(p.status(), p.lastSequence(), Next.SCHEDULE, next, null);
  }

  /** Registers the next timer with the scheduler (a one-time schedule). Idempotent. */
  public Done scheduleWake(ScheduleInput in) {
    scheduler.register(in.nextRequest().scheduled());
    return new Done(true);
  }

  /**
   * Releases the lease, acknowledges the wake this execution consumed, and hands a deferred wake
   * (one that arrived while an interrupted tick was pending) back to the scheduler.
   */
  public Done release(ClaimInput in) {
    Claim claim = in.claim();
    engine.release(claim);
    TickRequest request = in.request();
    if (request != null && request.wake().id().equals(claim.wake().id())) {
      ledger.acknowledge(request.scheduled());
    }
    if (claim.deferred() != null) {
      scheduler.register(
          new ScheduledWake(claim.tenant(), claim.continuationId(), now(), claim.deferred()));
    }
    return new Done(true);
  }

  /** The error state: records the failure on the log (see {@link TickEngine#fail}), releases. */
  public FailOutput fail(FailInput in) {
    String code = text(in.error(), "Error", "States.TaskFailed");
    String message = causeMessage(in.error());
    try {
      TickOutcome outcome = engine.fail(in.claim(), code, message);
      return switch (outcome) {
        case TickOutcome.Applied a -> new FailOutput("recorded", a.status());
        case TickOutcome.Ignored i -> new FailOutput("ignored: " + i.reason(), null);
        case TickOutcome.Fenced f -> new FailOutput("fenced", null);
        case TickOutcome.Retry r -> new FailOutput("ignored: " + r.reason(), null);
      };
    } finally {
      engine.release(in.claim());
    }
  }

  private boolean withinWindow(Instant startedAt, Instant at) {
    return !at.isAfter(startedAt.plus(waitWindow));
  }

  /**
   * {@code at} rounded up to a whole second: a Wait state's timestamp then never ends before the
   * timer is due, whatever precision the service keeps.
   */
  static Instant ceilToSecond(Instant at) {
    Instant floor = at.truncatedTo(ChronoUnit.SECONDS);
    return floor.equals(at) ? at : floor.plusSeconds(1);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static String text(JsonNode node, String field, String fallback) {
    if (node == null || !node.path(field).isTextual() || node.path(field).asText().isBlank())
      return fallback;
    return node.path(field).asText();
  }

  /**
   * The readable part of a caught error's {@code Cause}: Lambda puts a JSON document with {@code
   * errorMessage} there; other sources put plain text.
   */
  static String causeMessage(JsonNode error) {
    String cause = text(error, "Cause", "no cause given");
    try {
      JsonNode parsed = Json.mapper().readTree(cause);
      if (parsed != null && parsed.path("errorMessage").isTextual()) {
        cause =
            parsed.path("errorType").asText("error") + ": " + parsed.get("errorMessage").asText();
      }
    } catch (java.io.IOException notJson) {
      // plain text
    }
    return cause.length() <= MAX_MESSAGE ? cause : cause.substring(0, MAX_MESSAGE) + "…";
  }
}
