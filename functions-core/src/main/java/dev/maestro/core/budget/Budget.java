package dev.maestro.core.budget;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Limits and spend together; a value, folded from {@code spawn} and {@code budget_charge} events.
 */
public record Budget(BudgetLimits limits, Spend spent) {

  public Budget {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(spent, "spent");
  }

  public static Budget fresh(BudgetLimits limits) {
    return new Budget(limits, Spend.ZERO);
  }

  /** Dollars left before the hard cap (never negative). */
  public BigDecimal remainingUsd() {
    BigDecimal left = limits.maxUsd().subtract(spent.usd());
    return left.signum() < 0 ? BigDecimal.ZERO : left;
  }

  /** Whether spend has reached the soft cap. */
  public boolean pastSoftCap() {
    return spent.usd().compareTo(limits.softUsd()) >= 0;
  }

  /** Whether a further {@code usd} would cross the hard cap. */
  public boolean wouldExceed(BigDecimal usd) {
    return spent.usd().add(usd).compareTo(limits.maxUsd()) > 0;
  }

  /**
   * Tokens left before the token cap (never negative), or {@link Long#MAX_VALUE} when there is no
   * token cap.
   */
  public long remainingTokens() {
    if (limits.maxTokens() == 0) return Long.MAX_VALUE;
    return Math.max(0, limits.maxTokens() - spent.tokensIn() - spent.tokensOut());
  }

  /**
   * This budget after {@code carved} was handed to a fork's or merge's child: the hard and soft
   * caps drop by the carved hard cap and a token cap by the carved token cap; spend stays. Callers
   * check a carve against {@link #remainingUsd()} and {@link #remainingTokens()} before recording
   * it; a fold of a recorded carve never fails, it floors the caps at what was already spent.
   */
  public Budget carve(BudgetLimits carved) {
    BigDecimal max =
        limits.maxUsd().subtract(carved.maxUsd()).max(spent.usd().min(limits.maxUsd()));
    BigDecimal soft = limits.softUsd().subtract(carved.maxUsd()).max(BigDecimal.ZERO).min(max);
    long tokens = limits.maxTokens();
    if (tokens > 0) {
      long floor = Math.min(tokens, spent.tokensIn() + spent.tokensOut());
      tokens = Math.max(Math.max(floor, 1), tokens - carved.maxTokens());
    }
    return new Budget(new BudgetLimits(max, soft, tokens), spent);
  }

  public Budget charge(BigDecimal usd, long tokensIn, long tokensOut) {
    return new Budget(limits, spent.plus(usd, tokensIn, tokensOut));
  }
}
