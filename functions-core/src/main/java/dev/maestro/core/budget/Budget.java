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

  public Budget charge(BigDecimal usd, long tokensIn, long tokensOut) {
    return new Budget(limits, spent.plus(usd, tokensIn, tokensOut));
  }
}
