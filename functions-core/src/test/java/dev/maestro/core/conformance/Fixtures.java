package dev.maestro.core.conformance;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builders for valid domain values used by the conformance kit: a continuation with its sealed
 * {@code spawn} event, correctly chained follow-up events, timers and idempotency claims. Every
 * value is built the way the tick engine builds it (sealed envelopes, the fold for snapshots), so a
 * store that rejects one of them is wrong, not the fixture.
 *
 * <p>Tenants get a random suffix so that a kit run against a shared emulator (one table for every
 * test) never sees another test's rows.
 */
public final class Fixtures {

  /** The label follow-up events carry unless a test names its own. */
  public static final String DEFAULT_LABEL = "kit";

  private Fixtures() {}

  /** A new continuation and the {@code spawn} event that {@code create} must store with it. */
  public record Spawned(Continuation continuation, EventEnvelope spawn) {
    public Spawned {
      Objects.requireNonNull(continuation, "continuation");
      Objects.requireNonNull(spawn, "spawn");
    }

    /** The owning tenant. */
    public TenantId tenant() {
      return continuation.tenant();
    }

    /** The continuation's id. */
    public ContinuationId id() {
      return continuation.id();
    }

    /** The continuation's full key. */
    public ContinuationRef ref() {
      return new ContinuationRef(continuation.tenant(), continuation.id());
    }
  }

  /** A tenant id unique to this call, starting with {@code name} (e.g. {@code alpha-3f9c01aa}). */
  public static TenantId tenant(String name) {
    byte[] suffix = new byte[4];
    ThreadLocalRandom.current().nextBytes(suffix);
    return TenantId.of(name + "-" + HexFormat.of().formatHex(suffix));
  }

  /** A fresh time-ordered continuation id minted at {@code at}. */
  public static ContinuationId newId(Instant at) {
    return ContinuationId.newId(at, ThreadLocalRandom.current());
  }

  /** A small valid goal frame with a $2 budget. */
  public static GoalFrame goalFrame(String objective) {
    return new GoalFrame(
        objective,
        "conformance kit",
        null,
        null,
        null,
        BudgetLimits.ofUsd(new BigDecimal("2"), 100_000),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A continuation of {@code tenant} with a fresh id, spawned at {@code at}. */
  public static Spawned spawned(TenantId tenant, Instant at) {
    return spawned(tenant, newId(at), at, "objective of the conformance kit");
  }

  /**
   * A continuation with the given key, spawned at {@code at}: the sealed {@code spawn} event
   * (sequence 1, generation 0, linked to the genesis hash) and the snapshot folded from it.
   */
  public static Spawned spawned(TenantId tenant, ContinuationId id, Instant at, String objective) {
    var payload =
        new EventPayload.Spawn(
            goalFrame(objective),
            Lineage.root(id),
            workingState(objective),
            new WakeCondition.Timer("first-" + id.value(), at));
    EventEnvelope spawn =
        EventEnvelope.seal(
            id,
            tenant,
            0,
            1,
            at,
            "trace-" + id.value(),
            "span-1",
            Runtime.MAESTRO,
            payload,
            EventEnvelope.GENESIS);
    return new Spawned(ContinuationFold.fold(List.of(spawn)), spawn);
  }

  /** The next event after {@code previous}: its sequence plus one, linked to its hash. */
  public static EventEnvelope next(EventEnvelope previous, long generation, EventPayload payload) {
    long sequence = previous.sequence() + 1;
    return EventEnvelope.seal(
        previous.continuationId(),
        previous.tenant(),
        generation,
        sequence,
        previous.timestamp().plusMillis(1),
        previous.traceId(),
        "span-" + sequence,
        Runtime.MAESTRO,
        payload,
        previous.hash());
  }

  /** {@code count} chained note events after {@code previous}, labelled {@link #DEFAULT_LABEL}. */
  public static List<EventEnvelope> following(EventEnvelope previous, long generation, int count) {
    return following(previous, generation, count, DEFAULT_LABEL);
  }

  /**
   * {@code count} chained note events after {@code previous}, the n-th carrying {@code (label, n)}
   * so that two batches with different labels differ at every sequence.
   */
  public static List<EventEnvelope> following(
      EventEnvelope previous, long generation, int count, String label) {
    return following(previous, generation, count, label, 0);
  }

  /**
   * As {@link #following(EventEnvelope, long, int, String)}, numbering the notes from {@code
   * firstN}.
   */
  public static List<EventEnvelope> following(
      EventEnvelope previous, long generation, int count, String label, int firstN) {
    var events = new ArrayList<EventEnvelope>(count);
    EventEnvelope last = previous;
    for (int n = firstN; n < firstN + count; n++) {
      last = next(last, generation, note(label, n));
      events.add(last);
    }
    return List.copyOf(events);
  }

  /** A small payload that identifies who wrote it: a publish of {@code {label, n}}. */
  public static EventPayload note(String label, int n) {
    ObjectNode content = JsonNodeFactory.instance.objectNode().put("label", label).put("n", n);
    return new EventPayload.Published("kit-notes", content);
  }

  /** The {@code (label, n)} a {@link #note} event carries, as {@code "label#n"}. */
  public static String noteKey(EventEnvelope event) {
    if (!(event.payload() instanceof EventPayload.Published published)) {
      throw new IllegalArgumentException("event " + event.sequence() + " is not a note");
    }
    return published.content().get("label").asText() + "#" + published.content().get("n").asInt();
  }

  /** A {@code complete} event after {@code previous}: the continuation becomes terminal. */
  public static EventEnvelope completion(EventEnvelope previous, long generation) {
    var result = JsonNodeFactory.instance.objectNode().put("answer", "done");
    return next(previous, generation, new EventPayload.Completed(result, null));
  }

  /** {@code snapshot} with {@code events} folded onto it, as the tick engine would save it. */
  public static Continuation folded(Continuation snapshot, List<EventEnvelope> events) {
    return ContinuationFold.foldOnto(snapshot, events);
  }

  /** A timer wake for {@code timerId} of one continuation, due at {@code dueAt}. */
  public static ScheduledWake timer(
      TenantId tenant, ContinuationId id, String timerId, Instant dueAt) {
    return new ScheduledWake(tenant, id, dueAt, Wake.timer(timerId, dueAt));
  }

  /**
   * A human-signal wake with a body, due at {@code dueAt} (signals are delivered through timers).
   */
  public static ScheduledWake signal(
      TenantId tenant, ContinuationId id, String signalId, String note, Instant dueAt) {
    var body = JsonNodeFactory.instance.objectNode().put("note", note);
    return new ScheduledWake(tenant, id, dueAt, Wake.signal(signalId, "approve", dueAt, body));
  }

  /** An idempotency claim of {@code key} for {@code resourceId}. */
  public static IdempotencyStore.Claim claim(
      String key, String fingerprint, String resourceId, Instant at) {
    return new IdempotencyStore.Claim(key, fingerprint, resourceId, at);
  }

  private static ObjectNode workingState(String objective) {
    return JsonNodeFactory.instance.objectNode().put("objective", objective).put("step", 0);
  }
}
