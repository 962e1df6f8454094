package dev.maestro.core.budget;

import java.math.BigDecimal;
import java.util.Objects;

/** What a continuation has spent so far: dollars at list prices, tokens and model calls. */
public record Spend(BigDecimal usd, long tokensIn, long tokensOut, long calls) {

  public static final Spend ZERO = new Spend(BigDecimal.ZERO, 0, 0, 0);

  public Spend {
    Objects.requireNonNull(usd, "usd");
    if (usd.signum() < 0 || tokensIn < 0 || tokensOut < 0 || calls < 0) {
      throw new IllegalArgumentException("spend components must be >= 0");
    }
  }

  /** This spend plus one charge. */
  public Spend plus(BigDecimal chargeUsd, long in, long out) {
    return new Spend(usd.add(chargeUsd), tokensIn + in, tokensOut + out, calls + 1);
  }
}
