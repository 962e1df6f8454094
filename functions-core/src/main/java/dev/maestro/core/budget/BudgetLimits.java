package dev.maestro.core.budget;

import dev.maestro.core.error.BudgetExceededException;
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

  /**
   * Refuses a reservation of {@code usd} and {@code tokens} in {@code scope} when, on top of what
   * is already spent or reserved there ({@code committedUsd}, {@code committedTokens}), it would
   * cross the hard dollar cap or the token cap; the dollar cap is checked first.
   *
   * @throws BudgetExceededException naming the scope and the cap it would cross
   */
  public void refuseIfCrossed(
      ScopeKey scope, BigDecimal committedUsd, long committedTokens, BigDecimal usd, long tokens) {
    if (committedUsd.add(usd).compareTo(maxUsd) > 0) {
      throw new BudgetExceededException(
          "reserving $"
              + usd.toPlainString()
              + " would cross the hard cap of "
              + scope
              + ": $"
              + committedUsd.toPlainString()
              + " of $"
              + maxUsd.toPlainString()
              + " is spent or reserved");
    }
    if (maxTokens > 0 && committedTokens + tokens > maxTokens) {
      throw new BudgetExceededException(
          "reserving "
              + tokens
              + " tokens would cross the token cap of "
              + scope
              + ": "
              + committedTokens
              + " of "
              + maxTokens
              + " are spent or reserved");
    }
  }

  /**
   * How much of a charge of {@code usd} still fits under the hard cap on top of {@code
   * committedUsd}: what a late settlement (whose hold has expired) may charge. Never negative.
   */
  public BigDecimal usdThatFits(BigDecimal committedUsd, BigDecimal usd) {
    return usd.min(maxUsd.subtract(committedUsd).max(BigDecimal.ZERO));
  }

  /** Likewise for tokens: all of them without a token cap, else what is left under it. */
  public long tokensThatFit(long committedTokens, long tokens) {
    return maxTokens == 0 ? tokens : Math.min(tokens, Math.max(0, maxTokens - committedTokens));
  }
}
