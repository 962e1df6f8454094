package dev.maestro.core.budget;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Spend limits for one continuation. {@code maxUsd} is the hard cap; {@code softUsd}, when crossed,
 * makes the policy kernel downshift tiers. {@code maxTokens} caps input plus output tokens; 0 means
 * no token cap (dollars still cap the spend).
 */
public record BudgetLimits(BigDecimal maxUsd, BigDecimal softUsd, long maxTokens) {

  public BudgetLimits {
    Objects.requireNonNull(maxUsd, "maxUsd");
    Objects.requireNonNull(softUsd, "softUsd");
    if (maxUsd.signum() < 0) throw new IllegalArgumentException("maxUsd must be >= 0");
    if (softUsd.signum() < 0 || softUsd.compareTo(maxUsd) > 0) {
      throw new IllegalArgumentException("softUsd must be between 0 and maxUsd");
    }
    if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0");
  }

  /** Limits with the soft cap at 80% of the hard cap. */
  public static BudgetLimits ofUsd(BigDecimal maxUsd, long maxTokens) {
    return new BudgetLimits(
        maxUsd, maxUsd.multiply(new BigDecimal("0.8")).stripTrailingZeros(), maxTokens);
  }
}
