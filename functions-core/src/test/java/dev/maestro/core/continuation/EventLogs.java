package dev.maestro.core.continuation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Arbitraries for valid continuation logs: a {@code spawn}, then a random mix of wake, model call,
 * tool call, budget charge, human signal, publish, fork, merge, sleep and non-fatal error,
 * optionally ending with complete, kill or a fatal error; sealed into a proper hash chain with
 * gapless sequences, timestamps that move forward in whole microseconds (as stores keep them) and a
 * lease generation that grows on wakes. JSON values are built the way the reader builds them, so
 * in-memory and read-back values compare equal.
 */
final class EventLogs {

  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private EventLogs() {}

  /** One event before sealing: its payload, how much the generation grows, the time it took. */
  record Step(EventPayload payload, int generationBump, long micros) {}

  /** Valid logs that may or may not have ended. */
  static Arbitrary<List<EventEnvelope>> logs() {
    return Combinators.combine(
            ids(), tenants(), spawns(), middles().list().ofMaxSize(40), terminals().optional(0.3))
        .as(EventLogs::seal);
  }

  /** Valid logs that end with a terminal event. */
  static Arbitrary<List<EventEnvelope>> endedLogs() {
    return Combinators.combine(
            ids(),
            tenants(),
            spawns(),
            middles().list().ofMaxSize(20),
            terminals().map(Optional::of))
        .as(EventLogs::seal);
  }

  /** Any payload that could follow a spawn, terminal or not, other than lineage bookkeeping. */
  static Arbitrary<EventPayload> nonBookkeepingFollowUps() {
    return followUps().filter(p -> !ContinuationFold.isLineageBookkeeping(p));
  }

  /** Any payload that could follow a spawn, terminal or not. */
  static Arbitrary<EventPayload> followUps() {
    return Arbitraries.oneOf(middles().map(Step::payload), terminals().map(Step::payload));
  }

  /** Seals {@code payload} as the next event after {@code log}, linked and in sequence. */
  static EventEnvelope next(List<EventEnvelope> log, EventPayload payload) {
    EventEnvelope last = log.getLast();
    return EventEnvelope.seal(
        last.continuationId(),
        last.tenant(),
        last.generation(),
        last.sequence() + 1,
        last.timestamp().plusNanos(1_000),
        "trace",
        "span",
        Runtime.MAESTRO,
        payload,
        last.hash());
  }

  private static List<EventEnvelope> seal(
      ContinuationId id,
      TenantId tenant,
      EventPayload spawn,
      List<Step> middle,
      Optional<Step> terminal) {
    var steps = new ArrayList<Step>();
    steps.add(new Step(spawn, 0, 0));
    steps.addAll(middle);
    terminal.ifPresent(steps::add);
    var log = new ArrayList<EventEnvelope>();
    String prevHash = EventEnvelope.GENESIS;
    long generation = 0;
    Instant at = START;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      generation += step.generationBump();
      at = at.plusNanos(step.micros() * 1_000);
      Runtime runtime = i % 5 == 4 ? Runtime.AGENTCORE : Runtime.MAESTRO;
      EventEnvelope event =
          EventEnvelope.seal(
              id,
              tenant,
              generation,
              i + 1,
              at,
              "trace-" + id.value().substring(0, 8),
              "span-" + (i + 1),
              runtime,
              step.payload(),
              prevHash);
      log.add(event);
      prevHash = event.hash();
    }
    return List.copyOf(log);
  }

  // --- identities -------------------------------------------------------------------------

  static Arbitrary<ContinuationId> ids() {
    return Arbitraries.longs()
        .map(
            seed ->
                ContinuationId.newId(
                    START.plusMillis(Math.floorMod(seed, 86_400_000L)),
                    new java.util.Random(seed)));
  }

  private static Arbitrary<TenantId> tenants() {
    return Arbitraries.of("acme-dairy", "t1", "research_lab-7").map(TenantId::of);
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .withChars('-', '_', ' ', 'é')
        .ofMinLength(1)
        .ofMaxLength(12);
  }

  /** Wake and signal ids drawn from a small pool, so that ids repeat as redeliveries do. */
  private static Arbitrary<String> wakeIds() {
    return Arbitraries.integers().between(0, 30).map(n -> "w-" + n);
  }

  // --- values -----------------------------------------------------------------------------

  /** Non-negative decimals with up to six places, trailing zeros included. */
  private static Arbitrary<BigDecimal> dollars() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 5_000_000), Arbitraries.integers().between(0, 6))
        .as(BigDecimal::valueOf);
  }

  private static Arbitrary<BudgetLimits> limits() {
    return Combinators.combine(
            dollars(),
            Arbitraries.integers().between(0, 100),
            Arbitraries.longs().between(0, 10_000_000))
        .as(
            (max, softPercent, tokens) ->
                new BudgetLimits(max, max.multiply(BigDecimal.valueOf(softPercent, 2)), tokens));
  }

  /** Small JSON objects as the reader would produce them. */
  static Arbitrary<JsonNode> jsonObjects() {
    Arbitrary<Object> scalars =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-1000, 1000).map(i -> (Object) i),
            Arbitraries.longs().map(l -> (Object) l),
            dollars().map(d -> (Object) d),
            names().map(s -> (Object) s),
            Arbitraries.of(true, false).map(b -> (Object) b),
            names().list().ofMaxSize(3).map(l -> (Object) l));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), scalars)
        .ofMaxSize(4)
        .map(map -> Json.tree(Json.write(new LinkedHashMap<String, Object>(map))));
  }

  private static Arbitrary<WakeCondition> wakeConditions() {
    Arbitrary<WakeCondition.Timer> timers =
        Combinators.combine(wakeIds(), Arbitraries.longs().between(0, 10_000_000))
            .as((id, seconds) -> new WakeCondition.Timer(id, START.plusSeconds(seconds)));
    Arbitrary<WakeCondition> signals =
        Arbitraries.of("approve", "redirect", "kill")
            .set()
            .ofMaxSize(3)
            .map(WakeCondition.Signal::new);
    Arbitrary<WakeCondition> streams =
        Combinators.combine(names(), jsonObjects()).as(WakeCondition.Stream::new);
    Arbitrary<WakeCondition> publishes = names().map(WakeCondition.Publish::new);
    Arbitrary<WakeCondition> anyOf =
        Combinators.combine(
                Arbitraries.oneOf(signals, streams, publishes).list().ofMinSize(1).ofMaxSize(3),
                timers.optional())
            .as(
                (waits, timer) -> {
                  var all = new ArrayList<WakeCondition>(waits);
                  timer.ifPresent(all::add);
                  return new WakeCondition.AnyOf(all);
                });
    return Arbitraries.frequencyOf(
        Tuple.of(3, timers),
        Tuple.of(1, signals),
        Tuple.of(1, streams),
        Tuple.of(1, publishes),
        Tuple.of(1, anyOf));
  }

  private static Arbitrary<GoalFrame> goalFrames() {
    return Combinators.combine(
            names(),
            names().list().ofMaxSize(3),
            limits(),
            Arbitraries.longs().between(0, 100_000_000).injectNull(0.5),
            jsonObjects(),
            Arbitraries.of("standard", "restricted"),
            Arbitraries.of("local", "eu-west-1"))
        .as(
            (objective, constraints, limits, deadline, parameters, policy, region) ->
                new GoalFrame(
                    objective,
                    "nutritionists",
                    null,
                    constraints,
                    List.of("semantic"),
                    limits,
                    deadline == null ? null : START.plusSeconds(deadline),
                    List.of(),
                    policy,
                    region,
                    "noop",
                    parameters));
  }

  // --- payloads ---------------------------------------------------------------------------

  private static Arbitrary<EventPayload> spawns() {
    return Combinators.combine(
            goalFrames(), ids(), ids().list().ofMaxSize(2), jsonObjects(), wakeConditions())
        .as(
            (goal, root, parents, state, firstWake) ->
                new EventPayload.Spawn(
                    goal, new Lineage(parents, List.of(), root), state, firstWake));
  }

  private static Arbitrary<Long> micros() {
    return Arbitraries.longs().between(0, 5_000_000_000L);
  }

  private static Arbitrary<Step> step(Arbitrary<? extends EventPayload> payloads) {
    return Combinators.combine(payloads, micros()).as((p, us) -> new Step(p, 0, us));
  }

  private static Arbitrary<Step> middles() {
    Arbitrary<Step> wakes =
        Combinators.combine(
                wakeIds(),
                Arbitraries.of(WakeKind.class),
                names(),
                jsonObjects(),
                Arbitraries.integers().between(0, 2),
                micros())
            .as(
                (id, kind, channel, payload, bump, us) ->
                    new Step(new EventPayload.Woken(id, kind, channel, payload), bump, us));
    Arbitrary<EventPayload> modelCalls =
        Combinators.combine(
                names(),
                Arbitraries.of("bedrock", "foundry", "local"),
                Arbitraries.of("haiku", "sonnet", "opus", "local"),
                Arbitraries.longs().between(0, 200_000),
                Arbitraries.longs().between(0, 50_000),
                Arbitraries.longs().between(0, 60_000),
                dollars(),
                Arbitraries.of(true, false))
            .as(
                (call, provider, tier, in, out, latency, usd, local) ->
                    new EventPayload.ModelCall(
                        call,
                        provider,
                        provider + "-" + tier,
                        tier,
                        in,
                        out,
                        latency,
                        usd,
                        "allowed",
                        local));
    Arbitrary<EventPayload> toolCalls =
        Combinators.combine(
                names(), names(), jsonObjects(), jsonObjects(), Arbitraries.of(true, false))
            .as(EventPayload.ToolCall::new);
    Arbitrary<EventPayload> charges =
        Combinators.combine(
                names(),
                dollars(),
                Arbitraries.longs().between(0, 200_000),
                Arbitraries.longs().between(0, 50_000),
                Arbitraries.of("prices-2025-01", "prices-2025-02"))
            .as(EventPayload.BudgetCharged::new);
    Arbitrary<EventPayload> signals =
        Combinators.combine(
                wakeIds(), Arbitraries.of("approve", "redirect", "kill"), names(), jsonObjects())
            .as(EventPayload.HumanSignal::new);
    Arbitrary<EventPayload> publishes =
        Combinators.combine(names(), jsonObjects()).as(EventPayload.Published::new);
    Arbitrary<EventPayload> forks =
        Combinators.combine(ids(), Arbitraries.longs().between(1, 100), limits())
            .as(EventPayload.Forked::new);
    Arbitrary<EventPayload> merges =
        Combinators.combine(ids().list().ofMaxSize(3), names()).as(EventPayload.Merged::new);
    Arbitrary<EventPayload> sleeps =
        Combinators.combine(wakeConditions(), names(), jsonObjects().injectNull(0.4))
            .as(EventPayload.Slept::new);
    Arbitrary<EventPayload> errors =
        Combinators.combine(names(), names())
            .as((code, message) -> new EventPayload.Failed(code, message, false));
    return Arbitraries.frequencyOf(
        Tuple.of(4, wakes),
        Tuple.of(4, step(modelCalls)),
        Tuple.of(2, step(toolCalls)),
        Tuple.of(4, step(charges)),
        Tuple.of(2, step(signals)),
        Tuple.of(1, step(publishes)),
        Tuple.of(1, step(forks)),
        Tuple.of(1, step(merges)),
        Tuple.of(3, step(sleeps)),
        Tuple.of(1, step(errors)));
  }

  private static Arbitrary<Step> terminals() {
    Arbitrary<EventPayload> completes =
        Combinators.combine(jsonObjects(), jsonObjects().injectNull(0.5))
            .as(EventPayload.Completed::new);
    Arbitrary<EventPayload> kills =
        Combinators.combine(names(), Arbitraries.of("user:ana", "budget"))
            .as(EventPayload.Killed::new);
    Arbitrary<EventPayload> fatals =
        Combinators.combine(names(), names())
            .as((code, message) -> new EventPayload.Failed(code, message, true));
    return step(Arbitraries.oneOf(completes, kills, fatals));
  }

  /** The charges in {@code log}, in order. */
  static List<EventPayload.BudgetCharged> charges(List<EventEnvelope> log) {
    return log.stream()
        .map(EventEnvelope::payload)
        .filter(EventPayload.BudgetCharged.class::isInstance)
        .map(EventPayload.BudgetCharged.class::cast)
        .toList();
  }
}
