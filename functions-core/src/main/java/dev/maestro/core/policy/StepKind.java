package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What kind of work the next step does; routing picks a base tier per kind. */
public enum StepKind {
  /** Cheap classification or filtering. */
  TRIAGE,
  /** Recall and fetching. */
  RETRIEVE,
  /** Pulling facts out of sources. */
  EXTRACT,
  /** Writing from evidence. */
  SYNTHESIZE,
  /** Checking a draft against the criteria. */
  CRITIQUE,
  /** Deciding what to do next. */
  PLAN;

  private static final StepKind[] ALL = values();

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static StepKind fromWire(String wire) {
    for (StepKind v : ALL) if (v.wire().equals(wire)) return v;
    throw new IllegalArgumentException("unknown step kind: " + wire);
  }
}
