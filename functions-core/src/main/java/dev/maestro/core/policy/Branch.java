package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a tick goes next (BRIEF §8 C): what the recipe asks for on the way in, what the kernel
 * allows on the way out.
 */
public enum Branch {
  /** Run another step now. */
  CONTINUE,
  /** Sleep until a timer. */
  SLEEP,
  /** Wait for a signal or a stream message. */
  WAIT,
  /** Split into sub-goals. */
  FORK,
  /** Merge children's results. */
  MERGE,
  /** Finish with what exists. */
  COMPLETE;

  private static final Branch[] ALL = values();

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Branch fromWire(String wire) {
    for (Branch v : ALL) if (v.wire().equals(wire)) return v;
    throw new IllegalArgumentException("unknown branch: " + wire);
  }
}
