package dev.maestro.core.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a manifest's evicted log: a candidate (or a whole channel) that did not make it into
 * the field, and why.
 *
 * @param id the candidate's id; for {@link Reason#CHANNEL_TIMEOUT} and {@link
 *     Reason#CHANNEL_FAILED}, the channel's name
 * @param channel the candidate's (or the channel's) kind
 * @param reason why it was dropped
 * @param score its score when it was dropped (relevance for {@code below_threshold}, the MMR score
 *     for {@code redundant} and {@code over_budget}); absent otherwise
 * @param tokens its size in tokens (0 for a channel)
 * @param detail a human-readable explanation
 */
public record Eviction(
    String id,
    Channel channel,
    Reason reason,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double score,
    int tokens,
    String detail) {

  /** Why a candidate or channel was left out of the field. */
  public enum Reason {
    /** It did not fit in the token budget that was left when MMR reached it. */
    OVER_BUDGET,
    /** Too similar to an item already kept: MMR score below the floor, or near-identical. */
    REDUNDANT,
    /** Its relevance (before redundancy) was below the minimum score. */
    BELOW_THRESHOLD,
    /** A repeated proposal of an id already present; merged into the first occurrence. */
    DUPLICATE,
    /** Recall kept the maximum number of candidates before reaching it. */
    OVER_CAP,
    /** The channel did not answer within its timeout. */
    CHANNEL_TIMEOUT,
    /** The channel failed. */
    CHANNEL_FAILED;

    /** The wire name, e.g. {@code over_budget}. */
    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for {@code wire}. */
    @JsonCreator
    public static Reason fromWire(String wire) {
      for (Reason r : values()) if (r.wire().equals(wire)) return r;
      throw new IllegalArgumentException("unknown eviction reason: " + wire);
    }

    /** Whether this reason concerns a whole channel rather than one candidate. */
    public boolean isChannel() {
      return this == CHANNEL_TIMEOUT || this == CHANNEL_FAILED;
    }
  }

  public Eviction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0");
  }
}
