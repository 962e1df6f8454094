package dev.maestro.core.budget;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The port that keeps every spend under its hard caps, even with concurrent ticks and forks drawing
 * on the same pots (BRIEF §9). A caller reserves the most a model call can cost before making it,
 * then settles the actual cost (or releases the reservation if the call never happened). A
 * reservation is granted only if, in every scope, settled spend plus outstanding reservations plus
 * this one stays within the hard cap, so no interleaving of callers can overspend.
 *
 * <p>Settlement clamps: a charge never exceeds what was reserved, and any excess is reported as
 * {@link Settlement#overageUsd() overage} for the caller to alert on. Callers therefore cap a
 * call's {@code max_tokens} so its worst-case cost fits the reservation. The event log still
 * records the actual cost. A reservation not settled or released within the ledger's time to live
 * (a crashed caller) expires and frees its headroom.
 */
public interface BudgetLedger {

  /** Who is spending: the continuation, the root of its lineage tree and its tenant. */
  record Spender(ContinuationId continuation, ContinuationId root, TenantId tenant) {
    public Spender {
      Objects.requireNonNull(continuation, "continuation");
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(tenant, "tenant");
    }
  }

  /**
   * Headroom held for one call until it is settled or released. The scopes are fixed when it is
   * taken: a call reserved at 23:59 UTC is charged to that day's tenant budget.
   */
  record Reservation(
      String id, List<ScopeKey> scopes, BigDecimal usd, long tokens, Instant expiresAt) {
    public Reservation {
      Objects.requireNonNull(id, "id");
      scopes = List.copyOf(scopes);
      Objects.requireNonNull(usd, "usd");
      Objects.requireNonNull(expiresAt, "expiresAt");
      if (usd.signum() < 0 || tokens < 0) {
        throw new IllegalArgumentException("a reservation cannot be negative");
      }
    }
  }

  /**
   * What a settlement charged and what it could not. {@code late} is set when the reservation had
   * already expired: the charge was then limited to whatever headroom was left.
   */
  record Settlement(
      BigDecimal chargedUsd,
      long chargedTokens,
      BigDecimal overageUsd,
      long overageTokens,
      boolean late) {
    public Settlement {
      Objects.requireNonNull(chargedUsd, "chargedUsd");
      Objects.requireNonNull(overageUsd, "overageUsd");
    }

    /** Whether the actual cost exceeded what was charged. */
    public boolean overage() {
      return overageUsd.signum() > 0 || overageTokens > 0;
    }
  }

  /**
   * One scope's standing: its limits ({@code null} when unlimited), settled spend and the sum of
   * outstanding reservations. The policy kernel reads it to downshift past the soft cap.
   */
  record ScopeStatus(
      ScopeKey scope,
      BudgetLimits limits,
      BigDecimal settledUsd,
      long settledTokens,
      long calls,
      BigDecimal reservedUsd,
      long reservedTokens) {
    public ScopeStatus {
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(settledUsd, "settledUsd");
      Objects.requireNonNull(reservedUsd, "reservedUsd");
    }

    /** Settled plus reserved dollars: what is spoken for. */
    public BigDecimal committedUsd() {
      return settledUsd.add(reservedUsd);
    }

    /**
     * The fraction of the dollar cap spoken for (settled plus reserved); 0 when unlimited or when
     * nothing is committed against a zero cap.
     */
    public double usedFraction() {
      BigDecimal committed = committedUsd();
      if (limits == null || committed.signum() == 0) return 0.0;
      if (limits.maxUsd().signum() == 0) return 1.0;
      return committed.doubleValue() / limits.maxUsd().doubleValue();
    }

    /** Whether committed spend has reached the soft cap (nothing committed never has). */
    public boolean pastSoftCap() {
      BigDecimal committed = committedUsd();
      return limits != null && committed.signum() > 0 && committed.compareTo(limits.softUsd()) >= 0;
    }
  }

  /**
   * Holds {@code usdMax} and {@code tokensMax} (input plus output) in every scope of {@code
   * spender}.
   *
   * @throws BudgetExceededException naming the first scope whose hard cap the reservation would
   *     cross; nothing is held then
   */
  Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax);

  /**
   * Replaces the reservation by the actual cost, clamped to what was reserved. Settle or release
   * each reservation once.
   *
   * @throws IllegalStateException when the reservation is neither outstanding nor expired (it was
   *     already settled or released)
   */
  Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens);

  /** Frees a reservation whose call never happened; a no-op when it is no longer outstanding. */
  void release(Reservation reservation);

  /** The standing of each of {@code spender}'s scopes now: continuation, tree, tenant-day. */
  List<ScopeStatus> status(Spender spender);
}
