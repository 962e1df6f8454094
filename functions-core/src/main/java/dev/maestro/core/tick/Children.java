package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Brings fork and merge children into being (BRIEF §11, ADR-0013). A fork is recorded first, as a
 * {@code fork} event in the parent's log that carries everything the child needs; the child is then
 * created from that event, if absent. A worker that dies between the two leaves a {@code fork}
 * event without a child, which {@link #repair} (run by {@link TickEngine#reconcile}) creates, once:
 * creation is keyed by the child id the event names, and a second create is a no-op.
 *
 * <p>A child starts CREATED with its first timer due at once, the parent's goal frame (its budget
 * replaced by the carved one, its objective and parameters by the fork's overrides when given), and
 * the parent's working state as of the fork's {@code atSequence}: the fold of the parent's log up
 * to and including that event.
 */
public final class Children {

  /** The first timer every continuation waits for: due immediately at creation. */
  public static final String START_TIMER = "start";

  private final Substrate substrate;
  private final Clock clock;
  private final RandomGenerator random;
  private final Observability observability;

  /** Children created in {@code substrate}, stamped by {@code clock}, spans from {@code random}. */
  public Children(
      Substrate substrate, Clock clock, RandomGenerator random, Observability observability) {
    this.substrate = Objects.requireNonNull(substrate, "substrate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.observability = Objects.requireNonNull(observability, "observability");
  }

  /**
   * The id of the child a recipe forks with the {@code fork} event at {@code forkSequence} of
   * {@code parent}'s log: a name-based UUID (version 8, RFC 9562) over both, so a re-run of the
   * same step names the same child.
   */
  public static ContinuationId derivedChildId(ContinuationId parent, long forkSequence) {
    return nameBasedId("maestro-fork:" + parent.value() + "#" + forkSequence);
  }

  /** A name-based UUID (version 8, RFC 9562): the first 128 bits of SHA-256 of {@code name}. */
  public static ContinuationId nameBasedId(String name) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
    ByteBuffer bytes = ByteBuffer.wrap(digest);
    long msb = (bytes.getLong() & ~0xF000L) | 0x8000L;
    long lsb = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return ContinuationId.of(new UUID(msb, lsb).toString());
  }

  /**
   * What is wrong with carving {@code carved} out of {@code budget}, keyed by the field at fault
   * ({@code maxUsd}, {@code maxTokens}); empty when the carve fits. The carved hard cap must not
   * exceed the dollars left; when {@code budget} caps tokens, the carve must cap tokens too, within
   * the tokens left, and leave the parent a token cap of at least one (0 means "no cap").
   */
  public static Map<String, String> carveProblems(Budget budget, BudgetLimits carved) {
    var problems = new LinkedHashMap<String, String>();
    BigDecimal left = budget.remainingUsd();
    if (carved.maxUsd().compareTo(left) > 0) {
      problems.put(
          "maxUsd", "must not exceed the remaining budget of $" + left.toPlainString() + " USD");
    }
    if (budget.limits().maxTokens() > 0) {
      long tokensLeft = budget.remainingTokens();
      long mostCarvable = Math.min(tokensLeft, budget.limits().maxTokens() - 1);
      if (carved.maxTokens() < 1 || carved.maxTokens() > mostCarvable) {
        problems.put(
            "maxTokens",
            "must be between 1 and "
                + Math.max(0, mostCarvable)
                + ": the parent caps tokens and has "
                + tokensLeft
                + " left");
      }
    }
    return problems;
  }

  /**
   * Creates the child that {@code fork} (an event of {@code parent}'s log) records, unless it
   * exists. Returns true when this call created it.
   */
  public boolean ensureForkChild(ContinuationRef parent, EventEnvelope fork) {
    if (!(fork.payload() instanceof EventPayload.Forked f)) {
      throw new IllegalArgumentException("not a fork event: " + fork.type().wire());
    }
    if (substrate.continuations().find(parent.tenant(), f.child()).isPresent()) return false;
    Continuation source = stateAt(parent, f.atSequence());
    GoalFrame goal = withBudget(source.goalFrame(), f.childBudget(), f.objective(), f.parameters());
    Lineage lineage = new Lineage(List.of(parent.id()), List.of(), source.lineage().root());
    return create(
        parent.tenant(),
        f.child(),
        goal,
        lineage,
        source.workingState(),
        new ForkPoint(parent.id(), f.atSequence()),
        List.of(),
        null);
  }

  /**
   * Creates every child a {@code fork} event of {@code state}'s log names that does not exist (a
   * worker died between the fork and the child's creation). Returns how many it created.
   */
  public int repair(Continuation state) {
    var ref = new ContinuationRef(state.tenant(), state.id());
    boolean missing = false;
    for (ContinuationId child : state.lineage().children()) {
      if (substrate.continuations().find(state.tenant(), child).isEmpty()) {
        missing = true;
        break;
      }
    }
    if (!missing) return 0;
    int created = 0;
    for (EventEnvelope e : EventLog.readAfter(substrate.events(), ref.tenant(), ref.id(), 0)) {
      if (e.payload() instanceof EventPayload.Forked && ensureForkChild(ref, e)) created++;
    }
    return created;
  }

  /**
   * The state of {@code ref} as of {@code atSequence}: the fold of its log up to and including that
   * event, starting from the stored snapshot when the snapshot is not past it.
   *
   * @throws IllegalArgumentException if the log has no event at {@code atSequence}
   */
  public Continuation stateAt(ContinuationRef ref, long atSequence) {
    Optional<Continuation> snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    Continuation state = snapshot.filter(s -> s.lastSequence() <= atSequence).orElse(null);
    long after = state == null ? 0 : state.lastSequence();
    while (after < atSequence) {
      int page = (int) Math.min(EventLog.CATCH_UP_PAGE, atSequence - after);
      List<EventEnvelope> events = substrate.events().read(ref.tenant(), ref.id(), after, page);
      if (events.isEmpty()) break;
      for (EventEnvelope e : events) state = ContinuationFold.apply(state, e);
      after = events.get(events.size() - 1).sequence();
    }
    if (state == null || state.lastSequence() != atSequence) {
      throw new IllegalArgumentException(ref.id() + " has no event at sequence " + atSequence);
    }
    return state;
  }

  /**
   * Creates a child continuation with its {@code spawn} event and schedules its first tick, unless
   * one with {@code id} exists. Returns true when this call created it.
   */
  public boolean create(
      TenantId tenant,
      ContinuationId id,
      GoalFrame goal,
      Lineage lineage,
      JsonNode workingState,
      ForkPoint forkedFrom,
      List<ForkPoint> mergedFrom,
      String mergeFunction) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    var spawn =
        new EventPayload.Spawn(
            goal,
            lineage,
            workingState,
            new WakeCondition.Timer(START_TIMER, now),
            forkedFrom,
            mergedFrom,
            mergeFunction);
    EventEnvelope event =
        EventEnvelope.seal(
            id,
            tenant,
            0,
            1,
            now,
            id.traceId(),
            spanId(),
            Runtime.MAESTRO,
            spawn,
            EventEnvelope.GENESIS);
    try {
      substrate.continuations().create(ContinuationFold.fold(List.of(event)), event);
    } catch (ConflictException exists) {
      return false;
    }
    observability.appended(event);
    substrate
        .scheduler()
        .register(new ScheduledWake(tenant, id, now, Wake.timer(START_TIMER, now)));
    return true;
  }

  /** {@code goal} with {@code budget}, and the objective and parameters overridden when given. */
  public static GoalFrame withBudget(
      GoalFrame goal, BudgetLimits budget, String objective, JsonNode parameters) {
    return new GoalFrame(
        objective != null ? objective : goal.objective(),
        goal.audience(),
        goal.deliverableSchema(),
        goal.constraints(),
        goal.channels(),
        budget,
        goal.deadline(),
        goal.successCriteria(),
        goal.policyClass(),
        goal.region(),
        goal.recipe(),
        parameters != null ? parameters : goal.parameters());
  }

  /** The fork events of {@code batch}, in order. */
  static List<EventEnvelope> forks(List<EventEnvelope> batch) {
    var forks = new ArrayList<EventEnvelope>();
    for (EventEnvelope e : batch) {
      if (e.payload() instanceof EventPayload.Forked) forks.add(e);
    }
    return forks;
  }

  private String spanId() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
