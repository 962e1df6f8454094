package dev.maestro.core.wake;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a wake comes from. */
public enum WakeKind {
  /** A timer registered with the Scheduler fired. */
  TIMER("timer"),
  /** A human sent approve, redirect or kill. */
  SIGNAL("signal"),
  /** An event arrived on a subscribed stream. */
  STREAM("stream"),
  /** A sibling published to a tag this continuation follows. */
  PUBLISH("publish");

  private final String wire;

  WakeKind(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
