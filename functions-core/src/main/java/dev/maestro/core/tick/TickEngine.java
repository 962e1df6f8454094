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
import dev.maestro.core.security.pii.PayloadRedaction;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.security.pii.Redactor;
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

  /** How many times a claimed wake's step is tried before its failure is fatal. */
  public static final int STEP_ATTEMPTS = 3;

  private static final Duration RESUME_BACKOFF = Duration.ofSeconds(2);

  private final Substrate substrate;
  private final Recipes recipes;
  private final Clock clock;
  private final String holder;
  private final Duration leaseTtl;
  private final Observability observability;
  private final RandomGenerator random;
  private final Children children;
  private final PiiRedaction redaction;

  /** An engine that redacts what it writes with the built-in PII detectors. */
  public TickEngine(
      Substrate substrate,
      Recipes recipes,
      Clock clock,
      String holder,
      Duration leaseTtl,
      Observability observability,
      RandomGenerator random) {
    this(
        substrate, recipes, clock, holder, leaseTtl, observability, random, PiiRedaction.builtIn());
  }

  /**
   * An engine that redacts every payload it appends (wake payloads, signal bodies, recipe effects,
   * results) with {@code redaction}'s redactor for the continuation's tenant, before sealing, so
   * event hashes cover the redacted text (BRIEF §12).
   */
  public TickEngine(
      Substrate substrate,
      Recipes recipes,
      Clock clock,
      String holder,
      Duration leaseTtl,
      Observability observability,
      RandomGenerator random,
      PiiRedaction redaction) {
    this.redaction = Objects.requireNonNull(redaction, "redaction");
    this.substrate = Objects.requireNonNull(substrate, "substrate");
    this.recipes = Objects.requireNonNull(recipes, "recipes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
    this.observability = Objects.requireNonNull(observability, "observability");
    this.random = Objects.requireNonNull(random, "random");
    this.children = new Children(substrate, clock, random, observability);
  }

  /** This worker's lease holder name. */
  public String holder() {
    return holder;
  }

  /**
   * Delivers one wake to a continuation and runs the tick it calls for, all in this process: the
   * phases {@link #claim}, {@link #step}, {@link #persist} (with the next timer registered) and
   * {@link #release} without re-reading state between them.
   */
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
      Tick tick = open(ref, snapshot.get(), lease.generation(), ref.id().traceId());
      return switch (plan(tick, wake)) {
        case Plan.Finished f -> f.outcome();
        case Plan.Run run -> {
          runStep(tick, run.wake());
          TickOutcome stepped = tick.finish();
          yield run.deferred() == null
              ? stepped
              : new TickOutcome.Retry(now(), "resumed an interrupted tick first");
        }
      };
    } catch (FencedException fenced) {
      return new TickOutcome.Fenced(lease.generation());
    } finally {
      substrate.continuations().releaseLease(ref.tenant(), ref.id(), lease);
    }
  }

  /**
   * Phase 1 of a tick whose phases run in separate processes (a Step Functions execution):
   * deduplicates and matches {@code wake}, takes the lease and appends the tick's {@code wake}
   * event. When there is a step to run, the lease stays held and the returned {@link Claim} carries
   * it to {@link #step}, {@link #persist}, {@link #release} (or {@link #fail}); otherwise the tick
   * is over (duplicate, not matching, a signal only recorded, a kill) and the lease is released.
   */
  public ClaimResult claim(ContinuationRef ref, Wake wake) {
    Optional<Continuation> snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    if (snapshot.isEmpty())
      return new ClaimResult.Done(new TickOutcome.Ignored("no such continuation"));
    if (snapshot.get().status().isTerminal())
      return new ClaimResult.Done(
          new TickOutcome.Ignored("continuation is " + snapshot.get().status()));
    Lease lease;
    try {
      lease =
          substrate.continuations().acquireLease(ref.tenant(), ref.id(), holder, leaseTtl, now());
    } catch (LeaseHeldException held) {
      return new ClaimResult.Done(retryAfter(ref, held));
    } catch (NotFoundException gone) {
      return new ClaimResult.Done(new TickOutcome.Ignored("no such continuation"));
    }
    boolean keepLease = false;
    try {
      Tick tick = open(ref, snapshot.get(), lease.generation(), ref.id().traceId());
      return switch (plan(tick, wake)) {
        case Plan.Finished f -> new ClaimResult.Done(f.outcome());
        case Plan.Run run -> {
          keepLease = true;
          yield new ClaimResult.Claimed(
              new Claim(ref, lease, run.wake(), tick.traceId, run.deferred()));
        }
      };
    } catch (FencedException fenced) {
      return new ClaimResult.Done(new TickOutcome.Fenced(lease.generation()));
    } finally {
      if (!keepLease) substrate.continuations().releaseLease(ref.tenant(), ref.id(), lease);
    }
  }

  /**
   * Phase 2: runs the recipe's step for a claimed wake and appends its effects and closing event.
   * Re-reads the state, so it may run in another process than {@link #claim}; if the wake's step
   * has already run (a retried invocation), it does nothing.
   */
  public TickOutcome step(Claim claim) {
    try {
      Tick tick = reopen(claim);
      if (tick.state.status().isTerminal() || !claim.wake().id().equals(tick.state.currentWakeId()))
        return new TickOutcome.Ignored("the step for wake " + claim.wake().id() + " has run");
      runStep(tick, claim.wake());
      return new TickOutcome.Applied(tick.state.status(), tick.state.lastSequence());
    } catch (FencedException fenced) {
      return new TickOutcome.Fenced(claim.lease().generation());
    }
  }

  /**
   * Phase 3: saves the snapshot under the claim's fence and says which timer the continuation waits
   * for next; registering it is the caller's choice (a short in-process wait or the scheduler).
   * Idempotent.
   */
  public Persisted persist(Claim claim) {
    Tick tick = reopen(claim);
    children.repair(tick.state); // a step that died after appending its forks
    saveSnapshot(tick.state, tick.fence);
    observability.metric("tick", 1, Map.of("status", tick.state.status().name()));
    return new Persisted(
        tick.state.status(), tick.state.lastSequence(), nextTimer(claim.ref(), tick.state));
  }

  /** Last phase: gives the claim's lease back. Idempotent; a lease taken over is left alone. */
  public void release(Claim claim) {
    substrate.continuations().releaseLease(claim.ref().tenant(), claim.ref().id(), claim.lease());
  }

  /**
   * The error path of a claimed tick whose step or persist failed outside the recipe (a crashed or
   * timed-out function): appends an {@code error} event and, below {@value #STEP_ATTEMPTS} attempts
   * at the same wake, schedules the interrupted tick's resumption with exponential back-off; the
   * last attempt's error is fatal and ends the continuation as failed. Saves the snapshot; does not
   * release the lease.
   */
  public TickOutcome fail(Claim claim, String code, String message) {
    try {
      Tick tick = reopen(claim);
      if (tick.state.status().isTerminal())
        return new TickOutcome.Ignored("continuation is " + tick.state.status());
      String wakeId = tick.state.currentWakeId();
      if (wakeId == null) {
        // The step's events are in; only the bookkeeping after it failed. Finish it here.
        return tick.finish();
      }
      int attempts = failedAttempts(claim.ref(), tick.state) + 1;
      boolean fatal = attempts >= STEP_ATTEMPTS;
      tick.append(List.of(new EventPayload.Failed(code, message, fatal)));
      if (!fatal) {
        Instant at = now().plus(RESUME_BACKOFF.multipliedBy(1L << (attempts - 1)));
        substrate
            .scheduler()
            .register(
                new ScheduledWake(
                    claim.ref().tenant(),
                    claim.ref().id(),
                    at,
                    new Wake(wakeId, WakeKind.TIMER, "resume", at, null)));
      }
      return tick.finish();
    } catch (FencedException fenced) {
      return new TickOutcome.Fenced(claim.lease().generation());
    }
  }

  /**
   * Repairs what a crashed worker may have left undone: creates the child of any {@code fork} event
   * whose child is missing ({@link Children#repair}), saves a lagging snapshot and re-registers the
   * timer the current wake condition needs, and, for a tick interrupted mid-step whose lease has
   * lapsed, schedules its resumption. Idempotent; safe to run at any time.
   */
  public void reconcile(ContinuationRef ref) {
    Optional<Continuation> snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    if (snapshot.isEmpty()) return;
    Continuation state = EventLog.catchUp(substrate.events(), snapshot.get());
    // Before the snapshot can turn terminal (and the sweep stop visiting): fork children first.
    children.repair(state);
    if (state.status().isTerminal()) {
      if (!snapshot.get().status().isTerminal()) saveTerminalSnapshot(ref, state);
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
   * Saves the snapshot of a continuation whose log has ended but whose snapshot lags it (a worker
   * died after the closing append). The save is fenced like any other: under a lease taken for it,
   * since a later worker may have bumped the generation past the log's last event without writing
   * anything. If another worker holds the lease, that worker (or the next reconcile after its lease
   * lapses) finishes the job.
   */
  private void saveTerminalSnapshot(ContinuationRef ref, Continuation state) {
    Lease lease;
    try {
      lease =
          substrate.continuations().acquireLease(ref.tenant(), ref.id(), holder, leaseTtl, now());
    } catch (LeaseHeldException held) {
      return;
    }
    try {
      saveSnapshot(state, lease.generation());
    } catch (FencedException overtaken) {
      // Another worker took the lease over in between; it sees the same terminal log.
    } finally {
      substrate.continuations().releaseLease(ref.tenant(), ref.id(), lease);
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

  /** What a claimed wake calls for: a step to run, or nothing more (the tick is finished). */
  private sealed interface Plan {
    /** Run the step for {@code wake}; {@code deferred}, if set, is delivered again afterwards. */
    record Run(Wake wake, Wake deferred) implements Plan {}

    record Finished(TickOutcome outcome) implements Plan {}
  }

  /** Steps 1 and 3 of the protocol under the lease: dedupe, match, record the wake. */
  private Plan plan(Tick tick, Wake wake) {
    Continuation state = tick.state;
    ContinuationRef ref = tick.ref;
    if (state.status().isTerminal()) {
      children.repair(state);
      saveSnapshot(state, tick.fence);
      return new Plan.Finished(new TickOutcome.Ignored("continuation is " + state.status()));
    }
    if (state.currentWakeId() != null) {
      // A previous worker died mid-step: finish that tick before anything else.
      Wake interrupted = interruptedWake(ref, state);
      return new Plan.Run(interrupted, interrupted.id().equals(wake.id()) ? null : wake);
    }
    if (state.hasSeenWake(wake.id())) {
      ensureTimer(ref, state);
      return new Plan.Finished(new TickOutcome.Ignored("duplicate wake " + wake.id()));
    }
    if (wake.kind() == WakeKind.SIGNAL) return signal(tick, wake);

    if (state.wakeCondition() == null || !state.wakeCondition().matches(wake)) {
      ensureTimer(ref, state);
      return new Plan.Finished(
          new TickOutcome.Ignored("wake " + wake.id() + " does not match the wake condition"));
    }
    tick.append(List.of(woken(wake)));
    return new Plan.Run(wake, null);
  }

  private Plan signal(Tick tick, Wake wake) {
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
      return new Plan.Finished(tick.finish());
    }
    if (tick.state.wakeCondition() != null && tick.state.wakeCondition().matches(wake)) {
      cancelTimer(tick.ref, tick.state.wakeCondition());
      tick.append(List.of(woken(wake), signal));
      return new Plan.Run(wake, null);
    }
    // Not waiting for it: the signal is recorded and the recipe sees it in the log next tick.
    tick.append(List.of(signal));
    return new Plan.Finished(tick.finish());
  }

  /** Step 4 and the step's half of step 5: run the recipe, append its events. */
  private void runStep(Tick tick, Wake wake) {
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
    List<EventEnvelope> appended = tick.append(batch);
    // The fork events are in the log: bring their children into being. A crash here leaves the
    // snapshot behind the log, so the recovery sweep reconciles this continuation and repairs.
    for (EventEnvelope fork : Children.forks(appended)) {
      children.ensureForkChild(tick.ref, fork);
    }
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
    nextTimer(ref, state).ifPresent(substrate.scheduler()::register);
  }

  /** The timer wake {@code state}'s wake condition waits for, if any. */
  private static Optional<ScheduledWake> nextTimer(ContinuationRef ref, Continuation state) {
    if (state.status().isTerminal() || state.wakeCondition() == null) return Optional.empty();
    return state
        .wakeCondition()
        .timer()
        .map(
            t ->
                new ScheduledWake(ref.tenant(), ref.id(), t.at(), Wake.timer(t.timerId(), t.at())));
  }

  /** Non-fatal {@code error} events recorded since the interrupted wake's {@code wake} event. */
  private int failedAttempts(ContinuationRef ref, Continuation state) {
    long from = Math.max(0, state.lastSequence() - PAGE);
    List<EventEnvelope> tail = substrate.events().read(ref.tenant(), ref.id(), from, PAGE + 1);
    int failures = 0;
    for (int i = tail.size() - 1; i >= 0; i--) {
      EventPayload p = tail.get(i).payload();
      if (p instanceof EventPayload.Woken w && w.wakeId().equals(state.currentWakeId())) break;
      if (p instanceof EventPayload.Failed f && !f.fatal()) failures++;
    }
    return failures;
  }

  /** The tick state as {@code snapshot} caught up with the log, under {@code fence}. */
  private Tick open(ContinuationRef ref, Continuation snapshot, long fence, String traceId) {
    return new Tick(ref, EventLog.catchUp(substrate.events(), snapshot), fence, traceId);
  }

  /** Re-reads a claimed tick's state (another phase may have run in another process). */
  private Tick reopen(Claim claim) {
    ContinuationRef ref = claim.ref();
    Continuation snapshot =
        substrate
            .continuations()
            .find(ref.tenant(), ref.id())
            .orElseThrow(() -> new NotFoundException("continuation " + ref.id()));
    return open(ref, snapshot, claim.lease().generation(), claim.traceId());
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

    List<EventEnvelope> append(List<EventPayload> payloads) {
      var sealed = new ArrayList<EventEnvelope>(payloads.size());
      String prev = state.lastHash();
      long seq = state.lastSequence();
      Instant at = now();
      String span = newSpanId();
      Redactor redactor = redaction.forTenant(ref.tenant());
      for (EventPayload raw : payloads) {
        var tally = new Redactor.Tally();
        EventPayload p = PayloadRedaction.redact(raw, redactor, tally);
        if (tally.total() > 0) {
          observability.metric(
              "pii.redactions",
              tally.total(),
              Map.of("tenant", ref.tenant().value(), "event", p.type().wire()));
        }
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
      return sealed;
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
