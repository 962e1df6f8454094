package dev.maestro.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The closed set of event types (BRIEF §4, plus {@code complete} per ADR-0002 and {@code decision}
 * for the policy kernel, BRIEF §8).
 */
public enum EventType {
  SPAWN("spawn", EventPayload.Spawn.class),
  WAKE("wake", EventPayload.Woken.class),
  MODEL_CALL("model_call", EventPayload.ModelCall.class),
  TOOL_CALL("tool_call", EventPayload.ToolCall.class),
  PUBLISH("publish", EventPayload.Published.class),
  FORK("fork", EventPayload.Forked.class),
  MERGE("merge", EventPayload.Merged.class),
  SLEEP("sleep", EventPayload.Slept.class),
  KILL("kill", EventPayload.Killed.class),
  BUDGET_CHARGE("budget_charge", EventPayload.BudgetCharged.class),
  HUMAN_SIGNAL("human_signal", EventPayload.HumanSignal.class),
  ERROR("error", EventPayload.Failed.class),
  COMPLETE("complete", EventPayload.Completed.class),
  DECISION("decision", EventPayload.Decided.class);

  private final String wire;
  private final Class<? extends EventPayload> payloadType;

  EventType(String wire, Class<? extends EventPayload> payloadType) {
    this.wire = wire;
    this.payloadType = payloadType;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  public Class<? extends EventPayload> payloadType() {
    return payloadType;
  }

  @JsonCreator
  public static EventType fromWire(String wire) {
    return Arrays.stream(values())
        .filter(t -> t.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown event type: " + wire));
  }
}
