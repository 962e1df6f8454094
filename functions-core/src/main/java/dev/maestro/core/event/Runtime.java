package dev.maestro.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Which runtime executed the work an event records: Maestro's own workers or a vendor's. */
public enum Runtime {
  MAESTRO("maestro"),
  AGENTCORE("agentcore"),
  FOUNDRY("foundry");

  private final String wire;

  Runtime(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static Runtime fromWire(String wire) {
    return Arrays.stream(values())
        .filter(r -> r.wire.equals(wire))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown runtime: " + wire));
  }
}
