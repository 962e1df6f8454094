package dev.maestro.core.field;

import java.time.Duration;
import java.util.Objects;

/**
 * A tenant's configuration of its context field, as the optional {@code field} section of its
 * policy document states it (BRIEF §10, "configurable weights per tenant"): the score function's
 * weights and the assembler's knobs, in plain JSON units (seconds, numbers).
 *
 * <p>The policy document's reader validates the section and names every offending property by its
 * JSON pointer; this constructor enforces the same rules with plain exceptions for callers that
 * build one in code.
 *
 * @param weights the score function's weights ({@code rel, sem, lex, rec, trust, red})
 * @param recencyHalfLifeSeconds how fast recency decays, in seconds (positive)
 * @param minScore a candidate whose relevance is below this is evicted {@code below_threshold}
 * @param mmrFloor a candidate whose MMR score is below this is evicted {@code redundant}
 * @param maxSimilarity a candidate at least this similar to a kept item is evicted {@code
 *     redundant}; in {@code (0, 1]}
 * @param ttlSeconds how long an assembled field stays fresh, in seconds (positive)
 */
public record FieldPolicy(
    FieldWeights weights,
    long recencyHalfLifeSeconds,
    double minScore,
    double mmrFloor,
    double maxSimilarity,
    long ttlSeconds) {

  /** {@link FieldWeights#DEFAULTS} and {@link FieldSettings#DEFAULTS}. */
  public static final FieldPolicy DEFAULTS = of(FieldWeights.DEFAULTS, FieldSettings.DEFAULTS);

  public FieldPolicy {
    Objects.requireNonNull(weights, "weights");
    settings(recencyHalfLifeSeconds, minScore, mmrFloor, maxSimilarity, ttlSeconds);
  }

  /** The policy with {@code weights} and {@code settings}. */
  public static FieldPolicy of(FieldWeights weights, FieldSettings settings) {
    return new FieldPolicy(
        weights,
        settings.recencyHalfLife().toSeconds(),
        settings.minScore(),
        settings.mmrFloor(),
        settings.maxSimilarity(),
        settings.ttl().toSeconds());
  }

  /** The assembler's settings this policy states. */
  public FieldSettings settings() {
    return settings(recencyHalfLifeSeconds, minScore, mmrFloor, maxSimilarity, ttlSeconds);
  }

  private static FieldSettings settings(
      long halfLife, double minScore, double mmrFloor, double maxSimilarity, long ttl) {
    if (halfLife <= 0) throw new IllegalArgumentException("recencyHalfLifeSeconds must be > 0");
    if (ttl <= 0) throw new IllegalArgumentException("ttlSeconds must be > 0");
    return new FieldSettings(
        Duration.ofSeconds(halfLife), minScore, mmrFloor, maxSimilarity, Duration.ofSeconds(ttl));
  }
}
