package dev.maestro.core.continuation;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import java.util.ArrayList;
import java.util.List;

/**
 * State = fold(events). A pure function: no clock, no I/O. {@link #apply} folds one event into a
 * state; {@link #fold} folds a whole log from its {@code spawn}. Snapshots are only caches of this.
 *
 * <p>A {@code fork} event, and a {@code merge} event naming its child, add the child to the lineage
 * and carve the child's budget out of this continuation's limits ({@link
 * dev.maestro.core.budget.Budget#carve}); both may follow a terminal event without changing the
 * status.
 */
public final class ContinuationFold {

  private ContinuationFold() {}

  /** Folds a complete log (starting at sequence 1 with {@code spawn}) into a state. */
  public static Continuation fold(List<EventEnvelope> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a continuation's log starts with a spawn event");
    }
    Continuation state = null;
    for (EventEnvelope e : events) {
      state = apply(state, e);
    }
    return state;
  }

  /** Folds {@code events} (those after {@code snapshot.lastSequence()}) onto a snapshot. */
  public static Continuation foldOnto(Continuation snapshot, List<EventEnvelope> events) {
    Continuation state = snapshot;
    for (EventEnvelope e : events) {
      state = apply(state, e);
    }
    return state;
  }

  /**
   * Folds one event into {@code state} ({@code null} before the spawn).
   *
   * @throws IllegalStateException if the event cannot follow the state (wrong sequence, broken hash
   *     link, an event other than lineage bookkeeping after a terminal status, a spawn that is not
   *     first)
   */
  public static Continuation apply(Continuation state, EventEnvelope e) {
    if (state == null) {
      if (!(e.payload() instanceof EventPayload.Spawn spawn) || e.sequence() != 1) {
        throw new IllegalStateException(
            "a continuation's log starts with a spawn event at sequence 1");
      }
      return new Continuation(
          e.continuationId(),
          e.tenant(),
          spawn.goalFrame(),
          Status.CREATED,
          e.generation(),
          1,
          e.hash(),
          Budget.fresh(spawn.goalFrame().budget()),
          spawn.firstWake(),
          spawn.lineage(),
          spawn.workingState(),
          null,
          null,
          List.of(),
          e.timestamp(),
          e.timestamp());
    }
    if (e.sequence() != state.lastSequence() + 1) {
      throw new IllegalStateException(
          "event " + e.sequence() + " cannot follow sequence " + state.lastSequence());
    }
    if (!e.prevHash().equals(state.lastHash())) {
      throw new IllegalStateException(
          "event " + e.sequence() + " does not link to its predecessor");
    }
    if (state.status().isTerminal() && !isLineageBookkeeping(e.payload())) {
      throw new IllegalStateException(
          "no event may follow a "
              + state.status()
              + " continuation (got "
              + e.type().wire()
              + ")");
    }
    var next = new Builder(state, e);
    switch (e.payload()) {
      case EventPayload.Spawn s ->
          throw new IllegalStateException("spawn may only be the first event");
      case EventPayload.Woken w -> {
        next.status = Status.RUNNING;
        next.wakeCondition = null;
        next.currentWakeId = w.wakeId();
        next.remember(w.wakeId());
      }
      case EventPayload.ModelCall m -> {}
      case EventPayload.Decided d -> {}
      case EventPayload.ToolCall t -> {}
      case EventPayload.Published p -> {}
      case EventPayload.Forked f -> {
        next.lineage = state.lineage().withChild(f.child());
        next.budget = state.budget().carve(f.childBudget());
      }
      case EventPayload.Merged m -> {
        if (m.child() != null) next.lineage = state.lineage().withChild(m.child());
        if (m.childBudget() != null) next.budget = state.budget().carve(m.childBudget());
      }
      case EventPayload.Slept s -> {
        next.status = s.until().isSleep() ? Status.SLEEPING : Status.WAITING;
        next.wakeCondition = s.until();
        next.currentWakeId = null;
        if (s.workingState() != null) next.workingState = s.workingState();
      }
      case EventPayload.Killed k -> next.terminate(Status.KILLED);
      case EventPayload.BudgetCharged c ->
          next.budget = state.budget().charge(c.usd(), c.tokensIn(), c.tokensOut());
      case EventPayload.HumanSignal h -> next.remember(h.signalId());
      case EventPayload.Failed f -> {
        if (f.fatal()) next.terminate(Status.FAILED);
      }
      case EventPayload.Completed c -> {
        next.terminate(Status.COMPLETED);
        next.result = c.result();
        if (c.workingState() != null) next.workingState = c.workingState();
      }
    }
    return next.build();
  }

  /**
   * Whether {@code payload} may follow a terminal event: a fork, or a merge record naming its
   * child. Such an event only records a lineage edge and the budget carved for the child (a
   * time-travel fork or a merge of a finished continuation); the status stays terminal (ADR-0013).
   */
  public static boolean isLineageBookkeeping(EventPayload payload) {
    return payload instanceof EventPayload.Forked
        || (payload instanceof EventPayload.Merged m && m.child() != null);
  }

  /** Mutable scratch copy used while folding one event; never escapes. */
  private static final class Builder {
    private final Continuation base;
    private final EventEnvelope event;
    Status status;
    Budget budget;
    dev.maestro.core.wake.WakeCondition wakeCondition;
    Lineage lineage;
    com.fasterxml.jackson.databind.JsonNode workingState;
    com.fasterxml.jackson.databind.JsonNode result;
    String currentWakeId;
    List<String> recentWakeIds;

    Builder(Continuation base, EventEnvelope event) {
      this.base = base;
      this.event = event;
      this.status = base.status();
      this.budget = base.budget();
      this.wakeCondition = base.wakeCondition();
      this.lineage = base.lineage();
      this.workingState = base.workingState();
      this.result = base.result();
      this.currentWakeId = base.currentWakeId();
      this.recentWakeIds = base.recentWakeIds();
    }

    void remember(String wakeId) {
      var ids = new ArrayList<>(recentWakeIds);
      ids.remove(wakeId);
      ids.add(wakeId);
      if (ids.size() > Continuation.RECENT_WAKES) ids.remove(0);
      recentWakeIds = ids;
    }

    void terminate(Status terminal) {
      status = terminal;
      wakeCondition = null;
      currentWakeId = null;
    }

    Continuation build() {
      return new Continuation(
          base.id(),
          base.tenant(),
          base.goalFrame(),
          status,
          Math.max(base.generation(), event.generation()),
          event.sequence(),
          event.hash(),
          budget,
          wakeCondition,
          lineage,
          workingState,
          result,
          currentWakeId,
          recentWakeIds,
          base.createdAt(),
          event.timestamp());
    }
  }
}
