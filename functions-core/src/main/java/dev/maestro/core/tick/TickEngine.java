package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.LeaseHeldException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The tick protocol (BRIEF §6): match and deduplicate a wake, take the lease (bumping the fencing
 * generation), load state as snapshot + later events, run the recipe's step, append the tick's
 * events under the fence, save the snapshot, register the next wake, release the lease.
 *
 * <p>A tick appends twice: its {@code wake} event first (the continuation is then durably RUNNING,
 * so a worker that dies mid-step leaves a resumable mark), then the step's effects and closing
 * event in one batch. Every write is fenced; a worker whose lease was taken over writes nothing.
 * Anything a crash leaves undone (snapshot, next timer) is repaired by the next delivery or by
 * {@link #reconcile}.
 */
public final class TickEngine {

  /** Signal kinds a human may send (BRIEF §11). */
  public static final List<String> SIGNAL_KINDS = List.of("approve", "redirect", "kill");

  private static final int PAGE = 500;
  private static final Duration OWN_LEASE_RETRY = Duration.ofMillis(20);

  private final Substrate substrate;
  private final Recipes recipes;
  private final Clock clock;
  private final String holder;
  private final Duration leaseTtl;
  private final Observability observability;
  private final RandomGenerator random;

  public TickEngine(
      Substrate substrate,
      Recipes recipes,
      Clock clock,
      String holder,
      Duration leaseTtl,
      Observability observability,
      RandomGenerator random) {
    this.substrate = Objects.requireNonNull(substrate, "substrate");
    this.recipes = Objects.requireNonNull(recipes, "recipes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
    this.observability = Objects.requireNonNull(observability, "observability");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** This worker's lease holder name. */
  public String holder() {
    return holder;
  }

  /** Delivers one wake to a continuation and runs the tick it calls for. */
  public TickOutcome deliver(ContinuationRef ref, Wake wake) {
    Optional<Continuation> snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    if (snapshot.isEmpty()) return new TickOutcome.Ignored("no such continuation");
    if (snapshot.get().status().isTerminal())
      return new TickOutcome.Ignored("continuation is " + snapshot.get().status());

    Lease lease;
    try {
      lease =
          substrate.continuations().acquireLease(ref.tenant(), ref.id(), holder, leaseTtl, now());
    } catch (LeaseHeldException held) {
      return retryAfter(ref, held);
    } catch (NotFoundException gone) {
      return new TickOutcome.Ignored("no such continuation");
    }
    try {
      return underLease(ref, wake, snapshot.get(), lease);
    } catch (FencedException fenced) {
      return new TickOutcome.Fenced(lease.generation());
    } finally {
      substrate.continuations().releaseLease(ref.tenant(), ref.id(), lease);
    }
  }

  /**
   * Repairs what a crashed worker may have left undone: saves a lagging snapshot and re-registers
   * the timer the current wake condition needs, and, for a tick interrupted mid-step whose lease
   * has lapsed, schedules its resumption. Idempotent; safe to run at any time.
   */
  public void reconcile(ContinuationRef ref) {
    Optional<Continuation> snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    if (snapshot.isEmpty()) return;
    Continuation state = EventLog.catchUp(substrate.events(), snapshot.get());
    if (state.status().isTerminal()) {
      if (!snapshot.get().status().isTerminal()) saveSnapshot(state, state.generation());
      return;
    }
    ensureTimer(ref, state);
    if (state.currentWakeId() != null) {
      Instant at =
          substrate
              .continuations()
              .currentLease(ref.tenant(), ref.id())
              .map(Lease::expiresAt)
              .filter(now()::isBefore)
              .orElse(now());
      substrate
          .scheduler()
          .register(
              new ScheduledWake(
                  ref.tenant(),
                  ref.id(),
                  at,
                  new Wake(state.currentWakeId(), WakeKind.TIMER, "resume", at, null)));
    }
  }

  /**
   * When to try a held lease again: at its expiry if another worker holds it (it may have died),
   * but shortly if this worker holds it, since its own tick is about to release it (a wake it
   * registered itself, due at once, can arrive before the release).
   */
  private TickOutcome retryAfter(ContinuationRef ref, LeaseHeldException held) {
    boolean ours =
        substrate
            .continuations()
            .currentLease(ref.tenant(), ref.id())
            .filter(l -> l.holder().equals(holder))
            .isPresent();
    if (ours) {
      Instant soon = now().plus(OWN_LEASE_RETRY);
      return new TickOutcome.Retry(
          soon.isBefore(held.expiresAt()) ? soon : held.expiresAt(),
          "lease held by this worker's own tick");
    }
    return new TickOutcome.Retry(held.expiresAt(), "lease held until " + held.expiresAt());
  }

  private TickOutcome underLease(
      ContinuationRef ref, Wake wake, Continuation snapshot, Lease lease) {
    long fence = lease.generation();
    Continuation state = EventLog.catchUp(substrate.events(), snapshot);
    if (state.status().isTerminal()) {
      saveSnapshot(state, fence);
      return new TickOutcome.Ignored("continuation is " + state.status());
    }
    Tick tick = new Tick(ref, state, fence, newTraceId());

    if (state.currentWakeId() != null) {
      // A previous worker died mid-step: finish that tick before anything else.
      Wake interrupted = interruptedWake(ref, state);
      TickOutcome resumed = runStep(tick, interrupted);
      return interrupted.id().equals(wake.id())
          ? resumed
          : new TickOutcome.Retry(now(), "resumed an interrupted tick first");
    }
    if (state.hasSeenWake(wake.id())) {
      ensureTimer(ref, state);
      return new TickOutcome.Ignored("duplicate wake " + wake.id());
    }
    if (wake.kind() == WakeKind.SIGNAL) return signal(tick, wake);

    if (state.wakeCondition() == null || !state.wakeCondition().matches(wake)) {
      ensureTimer(ref, state);
      return new TickOutcome.Ignored("wake " + wake.id() + " does not match the wake condition");
    }
    tick.append(List.of(woken(wake)));
    return runStep(tick, wake);
  }

  private TickOutcome signal(Tick tick, Wake wake) {
    String by = wake.payload().path("by").asText("unknown");
    JsonNode body =
        wake.payload().path("body").isMissingNode()
            ? JsonNodeFactory.instance.objectNode()
            : wake.payload().get("body");
    var signal = new EventPayload.HumanSignal(wake.id(), wake.channel(), by, body);
    if ("kill".equals(wake.channel())) {
      String reason = body.path("reason").asText("killed by " + by);
      WakeCondition waitingFor = tick.state.wakeCondition();
      tick.append(List.of(signal, new EventPayload.Killed(reason, by)));
      cancelTimer(tick.ref, waitingFor);
      return tick.finish();
    }
    if (tick.state.wakeCondition() != null && tick.state.wakeCondition().matches(wake)) {
      cancelTimer(tick.ref, tick.state.wakeCondition());
      tick.append(List.of(woken(wake), signal));
      return runStep(tick, wake);
    }
    // Not waiting for it: the signal is recorded and the recipe sees it in the log next tick.
    tick.append(List.of(signal));
    return tick.finish();
  }

  private TickOutcome runStep(Tick tick, Wake wake) {
    Optional<Recipe> recipe = recipes.find(tick.state.goalFrame().recipe());
    StepResult result;
    List<EventPayload> effects = List.of();
    if (recipe.isEmpty()) {
      result =
          new StepResult.Fail(
              "unknown_recipe", "no recipe named " + tick.state.goalFrame().recipe());
    } else {
      var context = new StepContext(tick.state, wake, now());
      try {
        result = recipe.get().step(context);
        effects = context.effects();
      } catch (RuntimeException e) {
        result =
            new StepResult.Fail(
                "step_failed", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    var batch = new ArrayList<EventPayload>(effects);
    batch.add(
        switch (result) {
          case StepResult.Sleep s ->
              new EventPayload.Slept(s.until(), s.reason(), s.workingState());
          case StepResult.Complete c -> new EventPayload.Completed(c.result(), c.workingState());
          case StepResult.Fail f -> new EventPayload.Failed(f.code(), f.message(), true);
        });
    tick.append(batch);
    return tick.finish();
  }

  private Wake interruptedWake(ContinuationRef ref, Continuation state) {
    // The tick's wake event is the most recent one; read back from the end of the log.
    long from = Math.max(0, state.lastSequence() - PAGE);
    List<EventEnvelope> tail = substrate.events().read(ref.tenant(), ref.id(), from, PAGE + 1);
    for (int i = tail.size() - 1; i >= 0; i--) {
      if (tail.get(i).payload() instanceof EventPayload.Woken w
          && w.wakeId().equals(state.currentWakeId())) {
        return new Wake(w.wakeId(), w.kind(), w.channel(), tail.get(i).timestamp(), w.payload());
      }
    }
    return new Wake(state.currentWakeId(), WakeKind.TIMER, "resume", now(), null);
  }

  private void ensureTimer(ContinuationRef ref, Continuation state) {
    if (state.wakeCondition() == null) return;
    state
        .wakeCondition()
        .timer()
        .ifPresent(
            t ->
                substrate
                    .scheduler()
                    .register(
                        new ScheduledWake(
                            ref.tenant(), ref.id(), t.at(), Wake.timer(t.timerId(), t.at()))));
  }

  private void cancelTimer(ContinuationRef ref, WakeCondition condition) {
    if (condition == null) return;
    condition
        .timer()
        .ifPresent(t -> substrate.scheduler().cancel(ref.tenant(), ref.id(), t.timerId()));
  }

  private void saveSnapshot(Continuation state, long fence) {
    substrate.continuations().saveSnapshot(state, fence);
  }

  private static EventPayload.Woken woken(Wake wake) {
    return new EventPayload.Woken(wake.id(), wake.kind(), wake.channel(), wake.payload());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private String newTraceId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private String newSpanId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** One tick's running state: the fence, the folded state so far, and the trace. */
  private final class Tick {
    final ContinuationRef ref;
    final long fence;
    final String traceId;
    Continuation state;

    Tick(ContinuationRef ref, Continuation state, long fence, String traceId) {
      this.ref = ref;
      this.state = state;
      this.fence = fence;
      this.traceId = traceId;
    }

    void append(List<EventPayload> payloads) {
      var sealed = new ArrayList<EventEnvelope>(payloads.size());
      String prev = state.lastHash();
      long seq = state.lastSequence();
      Instant at = now();
      String span = newSpanId();
      for (EventPayload p : payloads) {
        EventEnvelope e =
            EventEnvelope.seal(
                ref.id(), ref.tenant(), fence, ++seq, at, traceId, span, Runtime.MAESTRO, p, prev);
        sealed.add(e);
        prev = e.hash();
      }
      substrate.events().append(ref.tenant(), ref.id(), fence, sealed);
      state = ContinuationFold.foldOnto(state, sealed);
      for (EventEnvelope e : sealed) {
        observability.appended(e);
      }
    }

    TickOutcome finish() {
      saveSnapshot(state, fence);
      ensureTimer(ref, state);
      observability.metric("tick", 1, Map.of("status", state.status().name()));
      return new TickOutcome.Applied(state.status(), state.lastSequence());
    }
  }

  /** Builds the body a signal wake carries: who sent it and what they said. */
  public static ObjectNode signalPayload(String by, JsonNode body) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("by", by);
    payload.set("body", body == null ? JsonNodeFactory.instance.objectNode() : body);
    return payload;
  }
}
