package dev.maestro.core.budget;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
 *
 * <p>Limits are kept by the ledger itself (in its store, for the persistent ones): a scope without
 * limits is tracked but unlimited. A tenant's daily limits apply to each of its UTC days. Every
 * implementation passes the conformance kit's {@code BudgetLedgerContract}.
 */
public interface BudgetLedger {

  /**
   * How long an expired reservation is remembered: a settlement within this time after expiry is
   * charged late (once); after it, the reservation is unknown and settling it is refused.
   */
  Duration EXPIRED_RETENTION = Duration.ofDays(1);

  /** Who is spending: the continuation, the root of its lineage tree and its tenant. */
  record Spender(ContinuationId continuation, ContinuationId root, TenantId tenant) {
    public Spender {
      Objects.requireNonNull(continuation, "continuation");
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(tenant, "tenant");
    }

    /**
     * The scopes a call made at {@code now} draws on, in the order every ledger visits them:
     * continuation, tree, and the tenant's UTC day of {@code now}.
     */
    public List<ScopeKey> scopesAt(Instant now) {
      return List.of(
          ScopeKey.continuation(continuation),
          ScopeKey.tree(root),
          ScopeKey.tenantDay(tenant, LocalDate.ofInstant(now, ZoneOffset.UTC)));
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

    /**
     * The tenant whose day this reservation draws on (the stores keep a reservation under it).
     *
     * @throws IllegalArgumentException when it has no tenant-day scope
     */
    public TenantId tenant() {
      for (ScopeKey scope : scopes) {
        if (scope.kind() == ScopeKey.Kind.TENANT_DAY) return TenantId.of(scope.id());
      }
      throw new IllegalArgumentException("reservation " + id + " has no tenant scope");
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

    /**
     * Whether committed spend has reached the hard dollar cap: no further reservation with a
     * positive amount can be granted. A zero cap is always reached; an unlimited scope never is.
     */
    public boolean capReached() {
      return limits != null && committedUsd().compareTo(limits.maxUsd()) >= 0;
    }

    /** Whether committed spend has reached the soft cap (nothing committed never has). */
    public boolean pastSoftCap() {
      BigDecimal committed = committedUsd();
      return limits != null && committed.signum() > 0 && committed.compareTo(limits.softUsd()) >= 0;
    }
  }

  /**
   * The argument checks every implementation makes first in {@link #reserve}.
   *
   * @throws IllegalArgumentException when an amount is negative
   */
  static void checkReserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    Objects.requireNonNull(spender, "spender");
    Objects.requireNonNull(usdMax, "usdMax");
    if (usdMax.signum() < 0 || tokensMax < 0) {
      throw new IllegalArgumentException("a reservation cannot be negative");
    }
  }

  /**
   * The argument checks every implementation makes first in {@link #settle}.
   *
   * @throws IllegalArgumentException when an amount is negative
   */
  static void checkSettle(Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    Objects.requireNonNull(reservation, "reservation");
    Objects.requireNonNull(actualUsd, "actualUsd");
    if (actualUsd.signum() < 0 || actualTokens < 0) {
      throw new IllegalArgumentException("an actual cost cannot be negative");
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
   * @throws IllegalStateException when the reservation is neither outstanding nor expired within
   *     {@link #EXPIRED_RETENTION} (it was already settled or released)
   */
  Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens);

  /** Frees a reservation whose call never happened; a no-op when it is no longer outstanding. */
  void release(Reservation reservation);

  /** The standing of each of {@code spender}'s scopes now: continuation, tree, tenant-day. */
  List<ScopeStatus> status(Spender spender);

  /**
   * The standing of one scope now (after expiring lapsed reservations), whether or not anyone has
   * spent in it; the API's ingress check reads the tenant's current day this way.
   */
  ScopeStatus status(ScopeKey scope);

  /**
   * Sets (or replaces) the limits of the scopes of {@code kind} named {@code id}: a continuation, a
   * tree by its root's id, or a tenant, whose limits then hold for each of its UTC days.
   */
  void limit(ScopeKey.Kind kind, String id, BudgetLimits limits);

  /** Sets a continuation's limits (from its {@code spawn}, scoped down on fork). */
  default void limitContinuation(ContinuationId continuation, BudgetLimits limits) {
    limit(ScopeKey.Kind.CONTINUATION, continuation.value(), limits);
  }

  /** Sets the limits shared by every continuation in the tree rooted at {@code root}. */
  default void limitTree(ContinuationId root, BudgetLimits limits) {
    limit(ScopeKey.Kind.TREE, root.value(), limits);
  }

  /** Sets a tenant's limits per UTC day: the daily cap BRIEF §9 enforces at API ingress. */
  default void limitTenantDaily(TenantId tenant, BudgetLimits limits) {
    limit(ScopeKey.Kind.TENANT_DAY, tenant.value(), limits);
  }

  /**
   * Records that {@code alert} (one threshold of one tenant-day) has been raised, if no caller
   * recorded it before. Of concurrent or repeated claims of the same tenant, day and threshold,
   * across processes and restarts, exactly one returns true; {@link BudgetWatch} raises only then.
   */
  boolean claimAlert(BudgetAlert alert);

  /** The alerts recorded for {@code tenant} on {@code day}, by threshold. */
  List<BudgetAlert> alerts(TenantId tenant, LocalDate day);
}
