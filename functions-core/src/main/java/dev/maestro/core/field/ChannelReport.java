package dev.maestro.core.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * How one recall channel fared: whether it answered in time, how many candidates it gave, how long
 * it took and, when it failed, why.
 *
 * @param name the channel's name
 * @param kind the channel's kind
 * @param outcome answered, timed out or failed
 * @param candidates how many candidates it returned (0 unless answered)
 * @param elapsedMs how long it ran, or ran before it was cut off, in milliseconds
 * @param message the failure's message; {@code null} unless failed
 */
public record ChannelReport(
    String name, Channel kind, Outcome outcome, int candidates, long elapsedMs, String message) {

  /** The outcome of one channel's recall. */
  public enum Outcome {
    /** The channel returned within its timeout. */
    ANSWERED,
    /** The channel did not return within its timeout and was cut off. */
    TIMED_OUT,
    /** The channel threw (or returned nothing at all). */
    FAILED;

    /** The wire name: {@code answered}, {@code timed_out}, {@code failed}. */
    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome for {@code wire}. */
    @JsonCreator
    public static Outcome fromWire(String wire) {
      for (Outcome o : values()) if (o.wire().equals(wire)) return o;
      throw new IllegalArgumentException("unknown channel outcome: " + wire);
    }
  }

  public ChannelReport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    if (candidates < 0 || elapsedMs < 0) {
      throw new IllegalArgumentException("candidates and elapsedMs must be >= 0");
    }
  }

  /** Whether the channel answered. */
  public boolean answered() {
    return outcome == Outcome.ANSWERED;
  }
}
