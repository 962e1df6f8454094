package dev.maestro.core.tick;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a recipe sees during one step: the state as of the tick's start, the wake that started it,
 * the tick's time, and an outbox for effect events. Time comes from here, never from the system
 * clock, so steps replay deterministically.
 */
public final class StepContext {

  private final Continuation continuation;
  private final Wake wake;
  private final Instant now;
  private final long firstEffectSequence;
  private final List<EventPayload> effects = new ArrayList<>();

  StepContext(Continuation continuation, Wake wake, Instant now) {
    this.continuation = continuation;
    this.wake = wake;
    this.now = now;
    this.firstEffectSequence = continuation.lastSequence() + 1;
  }

  /** The continuation's state as of the start of this step. */
  public Continuation continuation() {
    return continuation;
  }

  /** The wake that started this tick. */
  public Wake wake() {
    return wake;
  }

  /** The tick's time. */
  public Instant now() {
    return now;
  }

  /**
   * Records an effect (model call, tool call, budget charge, publish, fork, policy decision,
   * non-fatal error). It is appended with the tick's closing event, atomically.
   *
   * @throws IllegalArgumentException for lifecycle events, which only the engine writes
   */
  public void emit(EventPayload effect) {
    switch (effect) {
      case EventPayload.ModelCall m -> effects.add(m);
      case EventPayload.ToolCall t -> effects.add(t);
      case EventPayload.BudgetCharged c -> effects.add(c);
      case EventPayload.Published p -> effects.add(p);
      case EventPayload.Forked f -> effects.add(f);
      case EventPayload.Decided d -> effects.add(d);
      case EventPayload.Failed f when !f.fatal() -> effects.add(f);
      default ->
          throw new IllegalArgumentException(
              effect.type().wire() + " events are written by the tick engine, not by recipes");
    }
  }

  /**
   * A timer condition due at {@code at} whose id is derived from the log position, so a re-run of
   * the same step names the same timer and the Scheduler deduplicates it.
   */
  public WakeCondition.Timer timerAt(Instant at) {
    return new WakeCondition.Timer("timer-" + (firstEffectSequence + effects.size()), at);
  }

  List<EventPayload> effects() {
    return List.copyOf(effects);
  }
}
