package dev.maestro.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-field edits of a stored event, as someone with write access to the store could make them:
 * each changes exactly one envelope field or one payload property to a different value that still
 * parses. ({@code type} is left out: no other payload parses under a different type, so that edit
 * cannot even be read.)
 */
public final class Tampering {

  private static final ContinuationId OTHER_ID =
      ContinuationId.of("0195ffff-ffff-7fff-bfff-ffffffffffff");
  private static final ContinuationId ANOTHER_ID =
      ContinuationId.of("0195eeee-eeee-7eee-beee-eeeeeeeeeeee");

  private Tampering() {}

  /** One edit: which field was changed, and the event's JSON after the change. */
  public record Tamper(String field, String json) {
    @Override
    public String toString() {
      return field;
    }
  }

  /**
   * Every single-field edit of {@code event}: each envelope field but type, each payload property.
   */
  public static List<Tamper> everySingleFieldTamper(EventEnvelope event) {
    var tampers = new ArrayList<Tamper>();
    tampers.add(envelope(event, "continuationId", Json.toTree(other(event.continuationId()))));
    tampers.add(envelope(event, "tenant", Json.toTree(event.tenant().value() + "-x")));
    tampers.add(envelope(event, "generation", Json.toTree(event.generation() + 1)));
    tampers.add(envelope(event, "sequence", Json.toTree(event.sequence() + 1)));
    tampers.add(envelope(event, "timestamp", Json.toTree(event.timestamp().plusNanos(1_000))));
    tampers.add(envelope(event, "traceId", Json.toTree(event.traceId() + "0")));
    tampers.add(envelope(event, "spanId", Json.toTree(event.spanId() + "0")));
    tampers.add(envelope(event, "runtime", Json.toTree(next(event.runtime()))));
    tampers.add(envelope(event, "prevHash", Json.toTree(flipFirst(event.prevHash()))));
    tampers.add(envelope(event, "hash", Json.toTree(flipFirst(event.hash()))));
    EventPayload payload = event.payload();
    for (RecordComponent component : payload.getClass().getRecordComponents()) {
      Object value = read(component, payload);
      if (value == null) continue;
      Object changed =
          value instanceof List<?> list
                  && list.isEmpty()
                  && component.getGenericType().getTypeName().contains("ForkPoint")
              ? List.of(new ForkPoint(OTHER_ID, 1))
              : different(value);
      ObjectNode json = (ObjectNode) Json.toTree(event);
      json.withObject("/payload").set(component.getName(), Json.toTree(changed));
      tampers.add(new Tamper("payload." + component.getName(), json.toString()));
    }
    return tampers;
  }

  private static Tamper envelope(EventEnvelope event, String field, JsonNode value) {
    ObjectNode json = (ObjectNode) Json.toTree(event);
    json.set(field, value);
    return new Tamper(field, json.toString());
  }

  /** A value of the same type as {@code value} that differs from it and still parses. */
  static Object different(Object value) {
    return switch (value) {
      case String s -> s + "~";
      case Long l -> l + 1;
      case Integer i -> i + 1;
      case EventPayload.Decided.Shadow sh ->
          new EventPayload.Decided.Shadow(
              sh.model() + "~",
              sh.tier(),
              sh.branch(),
              sh.forkCount(),
              sh.tierScores(),
              sh.branchScores(),
              sh.scoreMicros());
      case Boolean b -> !b;
      case BigDecimal d -> d.add(new BigDecimal("0.01"));
      case ContinuationId id -> other(id);
      case JsonNode node when node.isObject() ->
          ((ObjectNode) node.deepCopy()).put("tampered", true);
      case JsonNode node -> Json.tree("{\"tampered\":true}");
      case WakeKind kind -> WakeKind.values()[(kind.ordinal() + 1) % WakeKind.values().length];
      case WakeCondition.Timer timer ->
          new WakeCondition.Timer(timer.timerId(), timer.at().plusSeconds(1));
      case WakeCondition condition -> new WakeCondition.Publish("tampered");
      case BudgetLimits limits ->
          new BudgetLimits(
              limits.maxUsd().add(BigDecimal.ONE), limits.softUsd(), limits.maxTokens());
      case Lineage lineage -> lineage.withChild(other(lineage.root()));
      case ForkPoint point -> new ForkPoint(point.continuation(), point.atSequence() + 1);
      case GoalFrame g ->
          new GoalFrame(
              g.objective() + "~",
              g.audience(),
              g.deliverableSchema(),
              g.constraints(),
              g.channels(),
              g.budget(),
              g.deadline(),
              g.successCriteria(),
              g.policyClass(),
              g.region(),
              g.recipe(),
              g.parameters());
      case Runtime runtime -> runtime == Runtime.MAESTRO ? Runtime.AGENTCORE : Runtime.MAESTRO;
      case List<?> list -> {
        var longer = new ArrayList<Object>(list);
        longer.add(
            !list.isEmpty() && list.get(0) instanceof ForkPoint
                ? new ForkPoint(OTHER_ID, 1)
                : OTHER_ID);
        yield longer;
      }
      default -> throw new IllegalArgumentException("no tamper for " + value.getClass());
    };
  }

  private static ContinuationId other(ContinuationId id) {
    return id.equals(OTHER_ID) ? ANOTHER_ID : OTHER_ID;
  }

  private static Runtime next(Runtime runtime) {
    return Runtime.values()[(runtime.ordinal() + 1) % Runtime.values().length];
  }

  private static String flipFirst(String hex) {
    return (hex.charAt(0) == 'a' ? "b" : "a") + hex.substring(1);
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(e);
    }
  }
}
