package dev.maestro.core.field;

import java.time.Duration;
import java.util.Objects;

/**
 * The assembler's knobs, besides the tenant's weights.
 *
 * @param recencyHalfLife how fast recency decays (positive)
 * @param minScore a candidate whose relevance (before redundancy) is below this is evicted {@code
 *     below_threshold}
 * @param mmrFloor a candidate whose MMR score (relevance minus the redundancy penalty) is below
 *     this when MMR reaches it is evicted {@code redundant}
 * @param maxSimilarity a candidate at least this similar to a kept item is evicted {@code
 *     redundant} whatever its score (near-identical content under another id); in {@code (0, 1]}
 * @param ttl how long an assembled field stays fresh (positive, whole seconds)
 */
public record FieldSettings(
    Duration recencyHalfLife,
    double minScore,
    double mmrFloor,
    double maxSimilarity,
    Duration ttl) {

  /** Half-life 30 days, thresholds 0, near-identical at similarity 0.95, fresh for 10 minutes. */
  public static final FieldSettings DEFAULTS =
      new FieldSettings(FieldScoring.DEFAULT_HALF_LIFE, 0.0, 0.0, 0.95, Duration.ofMinutes(10));

  public FieldSettings {
    Objects.requireNonNull(recencyHalfLife, "recencyHalfLife");
    Objects.requireNonNull(ttl, "ttl");
    if (recencyHalfLife.isNegative() || recencyHalfLife.isZero()) {
      throw new IllegalArgumentException("recencyHalfLife must be positive");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.getNano() != 0) {
      throw new IllegalArgumentException("ttl must be a positive whole number of seconds: " + ttl);
    }
    if (!Double.isFinite(minScore) || !Double.isFinite(mmrFloor)) {
      throw new IllegalArgumentException("minScore and mmrFloor must be finite");
    }
    if (!(maxSimilarity > 0 && maxSimilarity <= 1)) {
      throw new IllegalArgumentException("maxSimilarity must be in (0, 1]: " + maxSimilarity);
    }
  }

  /** These settings with another TTL. */
  public FieldSettings withTtl(Duration newTtl) {
    return new FieldSettings(recencyHalfLife, minScore, mmrFloor, maxSimilarity, newTtl);
  }
}
