package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A model capability tier, cheapest first; providers map each tier to a model id per tenant (BRIEF
 * §9). The order is what "downshift" and "escalate" move along.
 */
public enum Tier {
  HAIKU,
  SONNET,
  OPUS;

  private static final Tier[] BY_ORDINAL = values();

  /** The next cheaper tier, or this one when it is the cheapest. */
  public Tier lower() {
    return this == HAIKU ? this : BY_ORDINAL[ordinal() - 1];
  }

  /** The next more capable tier, or this one when it is the most capable. */
  public Tier higher() {
    return this == OPUS ? this : BY_ORDINAL[ordinal() + 1];
  }

  /** Whether this tier is more capable than {@code other}. */
  public boolean above(Tier other) {
    return ordinal() > other.ordinal();
  }

  static Tier ofOrdinal(int ordinal) {
    return BY_ORDINAL[ordinal];
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Tier fromWire(String wire) {
    for (Tier t : BY_ORDINAL) if (t.wire().equals(wire)) return t;
    throw new IllegalArgumentException("unknown tier: " + wire);
  }
}
