package dev.maestro.azure.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskFailedException;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A continuation's Durable Functions orchestration (BRIEF §7 "Azure"): one instance per
 * continuation, instance id = continuation id, an eternal loop of {@code tick} activity → wait
 * (durable timer and/or the {@value #WAKE_EVENT} external event) → {@code tick} with the wake that
 * won, continuing as new every {@link OrchestrationInput#ticksPerExecution} ticks.
 *
 * <p>Deterministic, as replay requires: the only clock is {@link
 * TaskOrchestrationContext#getCurrentInstant()}, there is no randomness and no I/O; all work on the
 * continuation happens in the activity. The tick engine, not the orchestration, deduplicates wakes
 * and matches them against the wake condition.
 */
public final class ContinuationOrchestrator implements OrchestratorFunction<String> {

  /** The orchestrator function's name. */
  public static final String NAME = "continuation";

  /** The activity that delivers one wake ({@link TickActivities#tick}). */
  public static final String TICK_ACTIVITY = "tick";

  /**
   * The one external event name: signals, stream messages, sibling publishes and resume wakes are
   * all raised as {@value #WAKE_EVENT} carrying the {@link Wake} as JSON (an object or a string
   * holding one).
   */
  public static final String WAKE_EVENT = "wake";

  /** How long to wait before trying a tick again whose activity failed. */
  public static final Duration ACTIVITY_RETRY = Duration.ofSeconds(30);

  /**
   * Reads the input as an {@link OrchestrationInput} JSON object or a JSON string holding one, so a
   * starter may pass either {@link OrchestrationInput#toJson()} or the record itself.
   */
  @Override
  public String apply(TaskOrchestrationContext ctx) {
    JsonNode raw = ctx.getInput(JsonNode.class);
    OrchestrationInput input =
        raw.isTextual()
            ? OrchestrationInput.fromJson(raw.asText())
            : Json.convert(raw, OrchestrationInput.class);
    return new Run(ctx, input).loop();
  }

  /** One execution's loop; its fields are rebuilt identically on every replay. */
  private static final class Run {
    private final TaskOrchestrationContext ctx;
    private final OrchestrationInput input;
    private final Deque<Wake> pending;

    /** The outstanding wait for a wake event, kept across a timer's win so no event is lost. */
    private Task<JsonNode> wakeEvent;

    Run(TaskOrchestrationContext ctx, OrchestrationInput input) {
      this.ctx = ctx;
      this.input = input;
      this.pending = new ArrayDeque<>(input.pending());
    }

    String loop() {
      Wake current = pending.poll(); // null: only read the state
      int ticks = 0;
      while (true) {
        if (ticks >= input.ticksPerExecution()) {
          continueAsNew(current);
          return null; // not reached: continueAsNew ends the execution
        }
        ticks++;
        Optional<TickActivityResult> tick = tick(current);
        if (tick.isEmpty()) {
          sleepUntil(ctx.getCurrentInstant().plus(ACTIVITY_RETRY));
          continue;
        }
        TickActivityResult result = tick.get();
        ctx.setCustomStatus(result.status());
        if (result.terminal()) return result.status();
        if (result.retryAt() != null) {
          sleepUntil(result.retryAt());
          continue;
        }
        current = pending.isEmpty() ? nextWake(result) : pending.poll();
      }
    }

    /** Runs the tick activity; empty if it failed (the same wake is then tried again later). */
    private Optional<TickActivityResult> tick(Wake wake) {
      String in = new TickActivityInput(input.tenant(), input.continuationId(), wake).toJson();
      try {
        return Optional.of(
            TickActivityResult.fromJson(ctx.callActivity(TICK_ACTIVITY, in, String.class).await()));
      } catch (TaskFailedException failed) {
        return Optional.empty();
      }
    }

    /**
     * Waits for what {@code state} waits for and returns the wake that came first. The wake event
     * is awaited even for a plain sleep, so a kill or any other signal reaches a sleeping
     * continuation at once; the tick engine decides what a wake that does not match does.
     */
    private Wake nextWake(TickActivityResult state) {
      TickActivityResult.Timer timer = state.nextTimer();
      Task<Void> timerTask = null;
      while (true) {
        if (wakeEvent == null) wakeEvent = ctx.waitForExternalEvent(WAKE_EVENT, JsonNode.class);
        if (timer != null && !wakeEvent.isDone()) {
          if (timerTask == null) timerTask = ctx.createTimer(timer.at().atZone(ZoneOffset.UTC));
          ctx.anyOf(List.of(wakeEvent, timerTask)).await();
          if (!wakeEvent.isDone()) return Wake.timer(timer.id(), timer.at());
        }
        Optional<Wake> wake = parse(wakeEvent.await());
        wakeEvent = null;
        if (wake.isPresent()) return wake.get();
        // A malformed event is dropped; keep waiting for the same timer.
      }
    }

    private void sleepUntil(Instant at) {
      ctx.createTimer(at.atZone(ZoneOffset.UTC)).await();
    }

    /**
     * Ends this execution and starts the next with the wakes not yet delivered: the current one,
     * the queued ones, and a wake event this execution already received but did not use.
     */
    private void continueAsNew(Wake current) {
      List<Wake> carry = new ArrayList<>();
      if (current != null) carry.add(current);
      carry.addAll(pending);
      if (wakeEvent != null && wakeEvent.isDone()) parse(wakeEvent.await()).ifPresent(carry::add);
      ctx.continueAsNew(
          new OrchestrationInput(
                  input.tenant(),
                  input.continuationId(),
                  carry,
                  input.ticksPerExecution(),
                  input.executions() + 1)
              .toJson());
    }
  }

  /** A raised wake event's data: the wake as a JSON object, or a JSON string holding one. */
  static Optional<Wake> parse(JsonNode data) {
    if (data == null || data.isNull()) return Optional.empty();
    try {
      return Optional.of(
          data.isTextual() ? Json.read(data.asText(), Wake.class) : Json.convert(data, Wake.class));
    } catch (UncheckedIOException | IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }
}
