package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The outcome of the last quality check on the step's output; a failure escalates. */
public enum QualityCheck {
  /** No check ran. */
  NONE,
  /** The check passed. */
  PASSED,
  /** The check failed. */
  FAILED;

  private static final QualityCheck[] ALL = values();

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static QualityCheck fromWire(String wire) {
    for (QualityCheck v : ALL) if (v.wire().equals(wire)) return v;
    throw new IllegalArgumentException("unknown quality check: " + wire);
  }
}
