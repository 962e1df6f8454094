package dev.maestro.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.Tier;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Realistic instances of every exported model and every event type (the pilot's dairy nutrition
 * brief), for the round-trip, schema and rejection tests. Decimals carry trailing zeros on purpose:
 * the wire must keep their scale.
 */
public final class Samples {

  public static final Instant T0 = Instant.parse("2025-03-01T09:30:00.123456Z");
  public static final TenantId TENANT = TenantId.of("acme-dairy");
  public static final ContinuationId ID = ContinuationId.of("01955a3b-7c00-7abc-8def-0123456789ab");
  public static final ContinuationId PARENT =
      ContinuationId.of("01955a3a-0000-7000-8000-00000000000a");
  public static final ContinuationId CHILD =
      ContinuationId.of("01955a3c-1111-7111-8111-111111111111");
  public static final ContinuationId SIBLING =
      ContinuationId.of("01955a3d-2222-7222-8222-222222222222");

  private Samples() {}

  /** Parses JSON text the way a store or the API does. */
  public static JsonNode json(String text) {
    return Json.tree(text);
  }

  public static BudgetLimits limits() {
    return new BudgetLimits(new BigDecimal("2.00"), new BigDecimal("1.60"), 200_000);
  }

  public static Spend spend() {
    return new Spend(new BigDecimal("0.0425"), 12_000, 3_400, 7);
  }

  public static Budget budget() {
    return new Budget(limits(), spend());
  }

  public static Lineage lineage() {
    return new Lineage(List.of(PARENT), List.of(CHILD), PARENT);
  }

  public static Lease lease() {
    return new Lease("worker-7", T0.plusSeconds(30), 3);
  }

  /** A goal frame with every property set. */
  public static GoalFrame goalFrame() {
    return new GoalFrame(
        "Evidence brief: does rumen-protected choline improve transition dairy cow outcomes?",
        "herd nutritionists",
        json("{\"type\":\"object\",\"required\":[\"summary\",\"citations\"]}"),
        List.of("peer-reviewed sources only", "no vendor white papers"),
        List.of("semantic", "episodic"),
        limits(),
        T0.plusSeconds(7 * 24 * 3600),
        List.of("every claim cites a source", "states effect sizes"),
        "standard",
        "eu-west-1",
        "evidence-brief",
        json("{\"maxSources\":40,\"minScore\":0.50}"));
  }

  /** A goal frame with only the required properties; the rest take their defaults. */
  public static GoalFrame minimalGoalFrame() {
    return new GoalFrame(
        "Summarise choline trials",
        null,
        null,
        null,
        null,
        limits(),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public static WakeCondition.Timer timer() {
    return new WakeCondition.Timer("timer-42", T0.plusSeconds(3600));
  }

  /** One condition of every kind, including a nested {@code any_of}. */
  public static List<WakeCondition> wakeConditions() {
    return List.of(
        timer(),
        new WakeCondition.Signal(Set.of("approve", "redirect", "kill")),
        new WakeCondition.Signal(Set.of()),
        new WakeCondition.Stream(
            "feeds.pubmed", json("{\"journal\":\"J Dairy Sci\",\"year\":2024}")),
        new WakeCondition.Publish("brief-drafts"),
        new WakeCondition.AnyOf(
            List.of(
                new WakeCondition.Signal(Set.of("approve")),
                timer(),
                new WakeCondition.AnyOf(List.of(new WakeCondition.Publish("reviews"))))));
  }

  public static Wake wake() {
    return new Wake("sig-1", WakeKind.SIGNAL, "approve", T0, json("{\"note\":\"go ahead\"}"));
  }

  /** A running continuation: no wake condition, a current wake, remembered wake ids. */
  public static Continuation running() {
    return new Continuation(
        ID,
        TENANT,
        goalFrame(),
        Status.RUNNING,
        3,
        12,
        "a".repeat(64),
        budget(),
        null,
        lineage(),
        json("{\"sources\":[\"doi:10.3168/jds.2020-1\"],\"round\":2}"),
        null,
        "timer-41",
        List.of("timer-40", "timer-41"),
        T0,
        T0.plusSeconds(90));
  }

  /** A waiting continuation: a compound wake condition, no current wake. */
  public static Continuation waiting() {
    return new Continuation(
        ID,
        TENANT,
        minimalGoalFrame(),
        Status.WAITING,
        2,
        5,
        "b".repeat(64),
        Budget.fresh(limits()),
        wakeConditions().get(5),
        Lineage.root(ID),
        json("{}"),
        null,
        null,
        List.of(),
        T0,
        T0.plusSeconds(10));
  }

  /** A completed continuation with its result. */
  public static Continuation completed() {
    return new Continuation(
        ID,
        TENANT,
        goalFrame(),
        Status.COMPLETED,
        4,
        20,
        "c".repeat(64),
        budget(),
        null,
        lineage(),
        json("{\"round\":3}"),
        json(
            "{\"summary\":\"Choline at 12.9 g/d raised milk yield 1.6 kg/d\",\"citations\":[\"doi:x\"],\"confidence\":0.80}"),
        null,
        List.of("timer-40"),
        T0,
        T0.plusSeconds(600));
  }

  /** A policy document with delegation enabled and every list populated. */
  public static PolicyDocument policyDocument() {
    return new PolicyDocument(
        1,
        TENANT,
        7,
        true,
        new PolicyDocument.Tiers(
            Tier.SONNET,
            80_000,
            Tier.HAIKU,
            Tier.HAIKU,
            Tier.HAIKU,
            Tier.SONNET,
            Tier.SONNET,
            Tier.SONNET),
        new BigDecimal("0.75"),
        List.of("pubmed.search", "fetch", "web.search"),
        List.of("web.search"),
        3,
        new PolicyDocument.Approval(new BigDecimal("0.50"), new BigDecimal("0.70")),
        new PolicyDocument.ExternalRuntimes(
            List.of("standard"), 1800, List.of(Tier.HAIKU, Tier.SONNET), List.of(Tier.SONNET)),
        45);
  }

  /** One payload of every event type (variants in the order of {@link EventType}). */
  public static Map<EventType, List<EventPayload>> payloads() {
    var payloads = new LinkedHashMap<EventType, List<EventPayload>>();
    payloads.put(
        EventType.SPAWN,
        List.of(
            new EventPayload.Spawn(goalFrame(), lineage(), json("{\"round\":0}"), timer()),
            new EventPayload.Spawn(
                minimalGoalFrame(), Lineage.root(ID), json("{}"), wakeConditions().get(5)),
            new EventPayload.Spawn(
                goalFrame(),
                new Lineage(List.of(ID), List.of(), ID),
                json("{\"round\":3}"),
                timer(),
                new ForkPoint(ID, 12),
                List.of(),
                null),
            new EventPayload.Spawn(
                goalFrame(),
                new Lineage(List.of(CHILD, SIBLING), List.of(), ID),
                json("{\"sources\":[]}"),
                timer(),
                null,
                List.of(new ForkPoint(CHILD, 4), new ForkPoint(SIBLING, 9)),
                "concat")));
    payloads.put(
        EventType.WAKE,
        List.of(
            new EventPayload.Woken("timer-42", WakeKind.TIMER, "timer-42", json("{}")),
            new EventPayload.Woken(
                "msg-9", WakeKind.STREAM, "feeds.pubmed", json("{\"journal\":\"J Dairy Sci\"}"))));
    payloads.put(
        EventType.MODEL_CALL,
        List.of(
            new EventPayload.ModelCall(
                "call-1",
                "bedrock",
                "anthropic.claude-3-5-haiku",
                "haiku",
                5_300,
                820,
                1_240,
                new BigDecimal("0.004520"),
                "allowed",
                false),
            new EventPayload.ModelCall(
                "call-2",
                "local",
                "local-extractive",
                "local",
                900,
                300,
                4,
                new BigDecimal("0"),
                "allowed",
                true),
            new EventPayload.ModelCall(
                "call-3",
                "anthropic",
                "claude-haiku-4-5",
                "haiku",
                4_100,
                610,
                2_310,
                new BigDecimal("0.007150"),
                "allowed",
                false,
                List.of("bedrock:429 ThrottlingException", "foundry:circuit_open"))));
    payloads.put(
        EventType.TOOL_CALL,
        List.of(
            new EventPayload.ToolCall(
                "tool-1",
                "pubmed.search",
                json("{\"q\":\"rumen-protected choline\",\"limit\":20}"),
                json("{\"hits\":[{\"pmid\":\"123\",\"score\":0.910}]}"),
                true),
            new EventPayload.ToolCall(
                "tool-2",
                "fetch",
                json("{\"url\":\"https://example.org\"}"),
                json("{\"error\":\"timeout\"}"),
                false)));
    payloads.put(
        EventType.PUBLISH,
        List.of(new EventPayload.Published("brief-drafts", json("{\"draft\":1,\"words\":850}"))));
    payloads.put(
        EventType.FORK,
        List.of(
            new EventPayload.Forked(
                CHILD, 7, new BudgetLimits(new BigDecimal("0.50"), new BigDecimal("0.40"), 50_000)),
            new EventPayload.Forked(
                CHILD,
                3,
                BudgetLimits.ofUsd(new BigDecimal("0.25"), 0),
                "the same question, dairy goats only",
                json("{\"maxSources\":10}"))));
    payloads.put(
        EventType.MERGE,
        List.of(
            new EventPayload.Merged(List.of(CHILD, SIBLING), "concatenate-citations"),
            new EventPayload.Merged(
                List.of(CHILD, SIBLING),
                "union",
                ID,
                new BudgetLimits(new BigDecimal("0.30"), new BigDecimal("0.20"), 0))));
    payloads.put(
        EventType.SLEEP,
        List.of(
            new EventPayload.Slept(timer(), "waiting for new trials", json("{\"round\":1}")),
            new EventPayload.Slept(
                new WakeCondition.Signal(Set.of("approve", "redirect")), "needs approval", null)));
    payloads.put(
        EventType.KILL, List.of(new EventPayload.Killed("hard budget cap reached", "budget")));
    payloads.put(
        EventType.BUDGET_CHARGE,
        List.of(
            new EventPayload.BudgetCharged(
                "call-1", new BigDecimal("0.004520"), 5_300, 820, "prices-2025-02")));
    payloads.put(
        EventType.HUMAN_SIGNAL,
        List.of(
            new EventPayload.HumanSignal(
                "sig-1", "redirect", "user:ana", json("{\"objective\":\"focus on ketosis\"}"))));
    payloads.put(
        EventType.ERROR,
        List.of(
            new EventPayload.Failed("PROVIDER_TIMEOUT", "bedrock timed out after 30 s", false),
            new EventPayload.Failed("RECIPE_CRASH", "NullPointerException in step 3", true)));
    payloads.put(
        EventType.COMPLETE,
        List.of(
            new EventPayload.Completed(
                json("{\"summary\":\"done\",\"confidence\":0.90}"), json("{\"round\":3}")),
            new EventPayload.Completed(json("\"plain text deliverable\""), null)));
    payloads.put(
        EventType.DECISION,
        List.of(
            new EventPayload.Decided(
                "proceed",
                "haiku",
                Runtime.MAESTRO,
                "continue",
                false,
                3,
                List.of("gate.open", "route.step_tier", "route.soft_cap_downshift"),
                "All gates are open. A synthesize step starts at sonnet. Spend passed the soft cap:"
                    + " downshifted to haiku."),
            new EventPayload.Decided(
                "proceed",
                "sonnet",
                Runtime.MAESTRO,
                "fork",
                3,
                false,
                4,
                List.of("gate.open", "route.step_tier", "branch.as_requested", "runtime.maestro"),
                "All gates are open. A plan step starts at sonnet. Next: fork into 3 sub-goals, as"
                    + " the recipe asked. Runs on Maestro's own workers.",
                json(
                    "{\"now\":\"2026-11-23T10:00:00Z\",\"status\":\"RUNNING\",\"budget\":{\"limits\":{\"maxUsd\":2.00,\"softUsd\":1.60},\"spent\":{\"usd\":0.31,\"tokensIn\":9000,\"tokensOut\":1200,\"calls\":4}},\"stepKind\":\"plan\",\"intent\":\"fork\",\"forkCount\":3,\"qualityCheck\":\"passed\",\"preferredRuntime\":\"maestro\",\"policyClass\":\"default\"}"),
                new EventPayload.Decided.Shadow(
                    "v1-test",
                    "haiku",
                    "fork",
                    3,
                    java.util.Map.of("haiku", 0.81, "sonnet", 0.9),
                    java.util.Map.of("continue", 0.42, "complete", 0.2, "fork", 0.66),
                    11)),
            new EventPayload.Decided(
                "terminate",
                null,
                null,
                null,
                false,
                0,
                List.of("gate.hard_cap"),
                "Spend $2.00 reached the hard cap of $2.00: publish what exists and terminate.")));
    return payloads;
  }

  /** Every sample payload, flattened. */
  public static List<EventPayload> allPayloads() {
    return payloads().values().stream().flatMap(List::stream).toList();
  }

  /** A sealed envelope around {@code payload}, as the first event after a spawn would be. */
  public static EventEnvelope envelope(EventPayload payload) {
    long sequence = payload instanceof EventPayload.Spawn ? 1 : 2;
    String prevHash = sequence == 1 ? EventEnvelope.GENESIS : "d".repeat(64);
    return EventEnvelope.seal(
        ID,
        TENANT,
        3,
        sequence,
        T0.plusSeconds(5),
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
        Runtime.MAESTRO,
        payload,
        prevHash);
  }

  /** A sealed envelope of every sample payload. */
  public static List<EventEnvelope> envelopes() {
    return allPayloads().stream().map(Samples::envelope).toList();
  }

  /**
   * Every sample of every exported schema, keyed by schema name ({@link
   * SchemaExporter#exportedTypes()}); each value is the list of instances of that schema.
   */
  public static Map<String, List<Object>> bySchema() {
    var samples = new LinkedHashMap<String, List<Object>>();
    samples.put("GoalFrame", List.of(goalFrame(), minimalGoalFrame()));
    samples.put("BudgetLimits", List.of(limits()));
    samples.put("Budget", List.of(budget(), Budget.fresh(limits())));
    samples.put("Spend", List.of(spend(), Spend.ZERO));
    samples.put("Lineage", List.of(lineage(), Lineage.root(ID)));
    samples.put("Lease", List.of(lease()));
    samples.put("Continuation", List.of(running(), waiting(), completed()));
    samples.put("Wake", List.of(wake(), Wake.timer("timer-42", T0)));
    samples.put("WakeCondition", new ArrayList<>(wakeConditions()));
    samples.put("EventEnvelope", new ArrayList<>(envelopes()));
    samples.put("PolicyDocument", List.of(PolicyDocument.defaults(TENANT), policyDocument()));
    for (var entry : payloads().entrySet()) {
      samples.put(
          SchemaExporter.schemaName(entry.getKey().payloadType()),
          new ArrayList<>(entry.getValue()));
    }
    return samples;
  }
}
