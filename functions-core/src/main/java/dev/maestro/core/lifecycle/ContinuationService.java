package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.pii.PayloadRedaction;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.security.pii.Redactor;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.tick.Children;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The operations callers perform on continuations, independent of transport: create, read, list
 * events, signal and kill, fork, merge and lineage queries. Every operation is scoped to the
 * caller's tenant. Writes to a running continuation's log go through the lease-holding tick path: a
 * signal or kill is delivered as a wake, never appended from here.
 */
public final class ContinuationService {

  /** The first timer every continuation waits for: due immediately at creation. */
  public static final String START_TIMER = Children.START_TIMER;

  /** Descendants one lineage query returns when no limit is given. */
  public static final int DEFAULT_LINEAGE_LIMIT = 100;

  /** The most descendants (and siblings) one lineage query returns. */
  public static final int MAX_LINEAGE_LIMIT = 1000;

  /** Prefix of every signal's wake id. */
  public static final String SIGNAL_PREFIX = "signal-";

  /** How many recent events a read returns. */
  public static final int RECENT_EVENTS = 20;

  /** The most events one page of {@link #events} returns. */
  public static final int MAX_PAGE = 1000;

  private final Substrate substrate;
  private final Clock clock;
  private final RandomGenerator random;
  private final Observability observability;
  private final Lineages lineages;
  private final PiiRedaction redaction;

  public ContinuationService(Substrate substrate, Clock clock, RandomGenerator random) {
    this(substrate, clock, random, Observability.NONE);
  }

  /** As above, reporting each event it appends to {@code observability}. */
  public ContinuationService(
      Substrate substrate, Clock clock, RandomGenerator random, Observability observability) {
    this(substrate, clock, random, observability, MergeFunctions.builtIn());
  }

  /** As above, merging with {@code mergeFunctions} (the built-in ones plus a recipe's own). */
  public ContinuationService(
      Substrate substrate,
      Clock clock,
      RandomGenerator random,
      Observability observability,
      MergeFunctions mergeFunctions) {
    this(substrate, clock, random, observability, mergeFunctions, PiiRedaction.builtIn());
  }

  /**
   * As above, redacting personal data from what callers send (goal frames, fork and merge
   * overrides, signal bodies and kill reasons) with {@code redaction}'s redactor for the caller's
   * tenant before anything is written or scheduled (BRIEF §12).
   */
  public ContinuationService(
      Substrate substrate,
      Clock clock,
      RandomGenerator random,
      Observability observability,
      MergeFunctions mergeFunctions,
      PiiRedaction redaction) {
    this.redaction = Objects.requireNonNull(redaction, "redaction");
    this.substrate = Objects.requireNonNull(substrate, "substrate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.observability = Objects.requireNonNull(observability, "observability");
    this.lineages =
        new Lineages(
            substrate,
            clock,
            random,
            observability,
            Objects.requireNonNull(mergeFunctions, "mergeFunctions"));
  }

  /** The merge functions {@link #merge} accepts. */
  public MergeFunctions mergeFunctions() {
    return lineages.mergeFunctions();
  }

  /**
   * Forks {@code parent} (BRIEF §11): appends a {@code fork} event to the parent under its lease,
   * carving the child's budget out of the parent's, then creates the child from the parent's state
   * as of {@code request.atSequence()} (the head when null). A parent may be terminal: the fork is
   * then recorded after its terminal event, and its status stays (ADR-0013). With an idempotency
   * key, a retry returns the first result ({@code replayed}) and finishes a fork a crash cut short.
   *
   * @param recipes checks a parameters override against the parent's recipe (null: unchecked)
   * @throws NotFoundException if the caller's tenant has no such continuation
   * @throws InvalidInputException naming {@code /atSequence}, {@code /budget/maxUsd}, {@code
   *     /budget/maxTokens} or {@code /goal/parameters...}; nothing was written
   * @throws ConflictException if the parent is running a tick (retry), or the key was used with a
   *     different request
   */
  public CreateResult fork(
      Principal caller,
      ContinuationId parent,
      ForkRequest request,
      String idempotencyKey,
      Recipes recipes) {
    Redactor redactor = redaction.forTenant(caller.tenant());
    var tally = new Redactor.Tally();
    ForkRequest redacted =
        new ForkRequest(
            request.atSequence(),
            request.budget(),
            request.objective() == null ? null : redactor.redact(request.objective(), tally),
            redactor.redact(request.parameters(), tally));
    counted(caller, "fork", tally);
    return lineages.fork(caller, parent, redacted, idempotencyKey, recipes);
  }

  /**
   * Merges two or more of the caller's continuations into one new child whose working state is the
   * merge function applied to theirs and whose budget is the sum of what each source contributes,
   * carved out of it by a {@code merge} event appended to each source under its lease.
   *
   * @param recipes checks a parameters override against the first source's recipe (null: unchecked)
   * @throws InvalidInputException naming {@code /sources...}, {@code /mergeFunction}, {@code
   *     /budget/<source id>...} or {@code /goal/parameters...}; nothing was written
   * @throws ConflictException if a source is running a tick (retry), or the key was used with a
   *     different request
   */
  public CreateResult merge(
      Principal caller, MergeRequest request, String idempotencyKey, Recipes recipes) {
    Redactor redactor = redaction.forTenant(caller.tenant());
    var tally = new Redactor.Tally();
    MergeRequest redacted =
        new MergeRequest(
            request.sources(),
            request.mergeFunction(),
            request.budgets(),
            redactor.redact(request.objective(), tally),
            redactor.redact(request.parameters(), tally));
    counted(caller, "merge", tally);
    return lineages.merge(caller, redacted, idempotencyKey, recipes);
  }

  /**
   * The continuation's ancestors, siblings and at most {@code limit} descendants (1..{@value
   * #MAX_LINEAGE_LIMIT}). Creates any fork child its log records that a crash left missing.
   */
  public LineageView lineage(Principal caller, ContinuationId id, int limit) {
    if (limit < 1 || limit > MAX_LINEAGE_LIMIT) {
      throw InvalidInputException.of("/query/limit", "must be between 1 and " + MAX_LINEAGE_LIMIT);
    }
    return lineages.lineage(caller, id, limit);
  }

  /**
   * Creates a continuation for {@code goal} and schedules its first tick. With an idempotency key,
   * a retry of the same request returns the first result; the same key with a different request is
   * a conflict.
   */
  public CreateResult create(Principal caller, GoalFrame goal, String idempotencyKey) {
    Instant now = now();
    ContinuationId id = ContinuationId.newId(now, random);
    if (idempotencyKey != null) {
      String fingerprint = fingerprint(goal);
      var claim =
          substrate
              .idempotency()
              .claim(
                  caller.tenant(),
                  new IdempotencyStore.Claim(idempotencyKey, fingerprint, id.value(), now));
      if (!claim.requestFingerprint().equals(fingerprint)) {
        throw new ConflictException(
            "Idempotency-Key " + idempotencyKey + " was already used with a different request");
      }
      if (!claim.resourceId().equals(id.value())) {
        ContinuationId existing = ContinuationId.of(claim.resourceId());
        Optional<Continuation> found = substrate.continuations().find(caller.tenant(), existing);
        if (found.isPresent()) return new CreateResult(current(caller, existing), true);
        id = existing; // the first attempt claimed the key but died before creating: finish it
      }
    }
    // The fingerprint above is of what the caller sent; what is written is redacted.
    var tally = new Redactor.Tally();
    goal = PayloadRedaction.redact(goal, redaction.forTenant(caller.tenant()), tally);
    counted(caller, "spawn", tally);
    var firstWake = new WakeCondition.Timer(START_TIMER, now);
    var spawn =
        new EventPayload.Spawn(
            goal, Lineage.root(id), JsonNodeFactory.instance.objectNode(), firstWake);
    EventEnvelope event =
        EventEnvelope.seal(
            id,
            caller.tenant(),
            0,
            1,
            now,
            id.traceId(),
            spanId(),
            Runtime.MAESTRO,
            spawn,
            EventEnvelope.GENESIS);
    Continuation initial = ContinuationFold.fold(List.of(event));
    try {
      substrate.continuations().create(initial, event);
    } catch (ConflictException raced) {
      // A concurrent retry with the same key created it first.
      return new CreateResult(current(caller, id), true);
    }
    observability.appended(event);
    substrate
        .scheduler()
        .register(new ScheduledWake(caller.tenant(), id, now, Wake.timer(START_TIMER, now)));
    return new CreateResult(initial, false);
  }

  /** The continuation's current state (snapshot plus later events) and its recent events. */
  public ContinuationView get(Principal caller, ContinuationId id) {
    Continuation state = current(caller, id);
    long from = Math.max(0, state.lastSequence() - RECENT_EVENTS);
    return new ContinuationView(
        state, substrate.events().read(caller.tenant(), id, from, RECENT_EVENTS));
  }

  /** Events after {@code afterSequence}, at most {@code limit} (1..{@value #MAX_PAGE}). */
  public List<EventEnvelope> events(
      Principal caller, ContinuationId id, long afterSequence, int limit) {
    if (afterSequence < 0) throw InvalidInputException.of("/query/after", "must be >= 0");
    if (limit < 1 || limit > MAX_PAGE)
      throw InvalidInputException.of("/query/limit", "must be between 1 and " + MAX_PAGE);
    requireExists(caller, id);
    return substrate.events().read(caller.tenant(), id, afterSequence, limit);
  }

  /**
   * Sends a human signal ({@code approve}, {@code redirect}, {@code kill}). It is delivered as a
   * wake and recorded as a {@code human_signal} event by the next tick. A repeated {@code
   * clientKey} (the caller's idempotency key) names the same signal, which is applied once. Returns
   * the signal id.
   *
   * @throws ConflictException if the continuation has already finished
   */
  public String signal(
      Principal caller, ContinuationId id, String kind, JsonNode body, String clientKey) {
    if (!TickEngine.SIGNAL_KINDS.contains(kind)) {
      throw InvalidInputException.of("/kind", "must be one of " + TickEngine.SIGNAL_KINDS);
    }
    Continuation state = current(caller, id);
    if (state.status().isTerminal()) {
      throw new ConflictException("continuation " + id + " is already " + state.status());
    }
    // Namespaced so a client's key can never name one of the continuation's timers ("start",
    // "timer-N"), which share the Scheduler's key space: a signal must not replace a pending timer.
    String sid = SIGNAL_PREFIX + (clientKey != null ? clientKey : randomHex(8));
    Instant now = now();
    // Redacted before it is scheduled, so the raw body is never stored, not even in the queue.
    var tally = new Redactor.Tally();
    body = redaction.forTenant(caller.tenant()).redact(body, tally);
    counted(caller, "wake", tally);
    substrate
        .scheduler()
        .register(
            new ScheduledWake(
                caller.tenant(),
                id,
                now,
                Wake.signal(sid, kind, now, TickEngine.signalPayload(caller.subject(), body))));
    return sid;
  }

  /** Asks for the continuation to be killed (a {@code kill} signal). Returns the signal id. */
  public String kill(Principal caller, ContinuationId id, String reason, String clientKey) {
    var body = JsonNodeFactory.instance.objectNode();
    if (reason != null) body.put("reason", reason);
    return signal(caller, id, "kill", body, clientKey);
  }

  private void counted(Principal caller, String event, Redactor.Tally tally) {
    if (tally.total() > 0) {
      observability.metric(
          "pii.redactions",
          tally.total(),
          Map.of("tenant", caller.tenant().value(), "event", event));
    }
  }

  private Continuation current(Principal caller, ContinuationId id) {
    return EventLog.catchUp(substrate.events(), requireExists(caller, id));
  }

  private Continuation requireExists(Principal caller, ContinuationId id) {
    return substrate
        .continuations()
        .find(caller.tenant(), id)
        .orElseThrow(() -> new NotFoundException("no continuation " + id));
  }

  private static String fingerprint(GoalFrame goal) {
    return Json.canonicalSha256(goal);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private String spanId() {
    return randomHex(8);
  }

  private String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
