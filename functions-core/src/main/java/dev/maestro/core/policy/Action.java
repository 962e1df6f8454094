package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the tick does with a decision. */
public enum Action {
  /** Run the step as decided. */
  PROCEED,
  /** Run nothing now; try again at deferUntil. */
  DEFER,
  /**
   * Run nothing; the continuation is left as it is (kill switch, compliance freeze, disabled
   * tenant, finished continuation).
   */
  STOP,
  /** Publish what exists and end the continuation (hard budget cap). */
  TERMINATE;

  private static final Action[] ALL = values();

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Action fromWire(String wire) {
    for (Action v : ALL) if (v.wire().equals(wire)) return v;
    throw new IllegalArgumentException("unknown action: " + wire);
  }
}
