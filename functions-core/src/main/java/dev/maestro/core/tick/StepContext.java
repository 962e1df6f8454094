package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
  private Budget budget;

  StepContext(Continuation continuation, Wake wake, Instant now) {
    this.continuation = continuation;
    this.wake = wake;
    this.now = now;
    this.firstEffectSequence = continuation.lastSequence() + 1;
    this.budget = continuation.budget();
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
   * @throws IllegalArgumentException for lifecycle events, which only the engine writes, and for a
   *     fork of this continuation itself, from a future sequence, or whose budget does not fit what
   *     is left after this step's charges and earlier forks
   */
  public void emit(EventPayload effect) {
    switch (effect) {
      case EventPayload.ModelCall m -> effects.add(m);
      case EventPayload.ToolCall t -> effects.add(t);
      case EventPayload.BudgetCharged c -> {
        budget = budget.charge(c.usd(), c.tokensIn(), c.tokensOut());
        effects.add(c);
      }
      case EventPayload.Published p -> effects.add(p);
      case EventPayload.Forked f -> {
        checkFork(f);
        budget = budget.carve(f.childBudget());
        effects.add(f);
      }
      case EventPayload.Decided d -> effects.add(d);
      case EventPayload.Failed f when !f.fatal() -> effects.add(f);
      default ->
          throw new IllegalArgumentException(
              effect.type().wire() + " events are written by the tick engine, not by recipes");
    }
  }

  /**
   * Forks a child from the state as of this step's start, with {@code budget} carved out of what
   * this continuation may still spend, and {@code objective} and {@code parameters} (either may be
   * null) overriding the goal frame's for the child. The child's id is derived from this
   * continuation's id and the {@code fork} event's sequence, so a re-run of the step names the same
   * child; the tick engine creates the child once the event is appended (ADR-0013).
   *
   * @return the child's id
   * @throws IllegalArgumentException if the carve does not fit the budget left
   */
  public ContinuationId fork(BudgetLimits budget, String objective, JsonNode parameters) {
    ContinuationId child =
        Children.derivedChildId(continuation.id(), firstEffectSequence + effects.size());
    emit(
        new EventPayload.Forked(child, continuation.lastSequence(), budget, objective, parameters));
    return child;
  }

  /** What this continuation may still spend, after this step's charges and forks so far. */
  public Budget budget() {
    return budget;
  }

  private void checkFork(EventPayload.Forked f) {
    if (f.child().equals(continuation.id())) {
      throw new IllegalArgumentException("a continuation cannot fork itself");
    }
    if (f.atSequence() > continuation.lastSequence()) {
      throw new IllegalArgumentException(
          "a fork's atSequence must be at most " + continuation.lastSequence());
    }
    Map<String, String> problems = Children.carveProblems(budget, f.childBudget());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("fork budget " + problems);
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
