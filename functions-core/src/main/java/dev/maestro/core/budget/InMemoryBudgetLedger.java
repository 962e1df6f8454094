package dev.maestro.core.budget;

import dev.maestro.core.continuation.TenantId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link BudgetLedger} in one JVM's memory, for the local runtime and tests. One lock guards all
 * state, so a reservation's check of every scope and its hold on them are a single atomic step.
 * Scopes without a configured limit are tracked but unlimited. Tenant-day scopes take the UTC date
 * of the injected clock at reservation time.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private final Clock clock;
  private final Duration ttl;
  private final Map<ScopeKey, BudgetLimits> limits = new HashMap<>();
  private final Map<TenantId, BudgetLimits> dailyLimits = new HashMap<>();
  private final Map<ScopeKey, Tally> tallies = new HashMap<>();
  private final Map<String, Reservation> outstanding = new LinkedHashMap<>();
  private final Map<String, Reservation> expired = new LinkedHashMap<>();
  private final Map<String, BudgetAlert> alerts = new LinkedHashMap<>();
  private long nextId = 1;

  /**
   * @param clock the time reservations expire against and tenant days are cut by
   * @param ttl how long a reservation is held unsettled before it expires (longer than any call)
   */
  public InMemoryBudgetLedger(Clock clock, Duration ttl) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (!ttl.isPositive()) throw new IllegalArgumentException("ttl must be positive");
  }

  @Override
  public synchronized void limit(ScopeKey.Kind kind, String id, BudgetLimits l) {
    Objects.requireNonNull(l, "limits");
    if (kind == ScopeKey.Kind.TENANT_DAY) {
      dailyLimits.put(TenantId.of(id), l);
    } else {
      limits.put(new ScopeKey(kind, id, null), l);
    }
  }

  @Override
  public synchronized Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    BudgetLedger.checkReserve(spender, usdMax, tokensMax);
    Instant now = clock.instant();
    expire(now);
    List<ScopeKey> scopes = spender.scopesAt(now);
    for (ScopeKey scope : scopes) {
      BudgetLimits l = limitOf(scope);
      if (l == null) continue;
      Tally t = tally(scope);
      l.refuseIfCrossed(
          scope,
          t.settledUsd.add(t.reservedUsd),
          t.settledTokens + t.reservedTokens,
          usdMax,
          tokensMax);
    }
    var reservation = new Reservation("rsv-" + nextId++, scopes, usdMax, tokensMax, now.plus(ttl));
    for (ScopeKey scope : scopes) tally(scope).hold(usdMax, tokensMax);
    outstanding.put(reservation.id(), reservation);
    return reservation;
  }

  @Override
  public synchronized Settlement settle(
      Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    BudgetLedger.checkSettle(reservation, actualUsd, actualTokens);
    Instant now = clock.instant();
    expire(now);
    BigDecimal usd = actualUsd.min(reservation.usd());
    long tokens = Math.min(actualTokens, reservation.tokens());
    boolean late = outstanding.remove(reservation.id()) == null;
    if (late) {
      if (expired.remove(reservation.id()) == null) {
        throw new IllegalStateException(
            "reservation " + reservation.id() + " was already settled or released");
      }
      // Its headroom was freed on expiry and may be taken; charge only what still fits.
      for (ScopeKey scope : reservation.scopes()) {
        BudgetLimits l = limitOf(scope);
        if (l == null) continue;
        Tally t = tally(scope);
        usd = l.usdThatFits(t.settledUsd.add(t.reservedUsd), usd);
        tokens = l.tokensThatFit(t.settledTokens + t.reservedTokens, tokens);
      }
    } else {
      for (ScopeKey scope : reservation.scopes()) {
        tally(scope).unhold(reservation.usd(), reservation.tokens());
      }
    }
    for (ScopeKey scope : reservation.scopes()) tally(scope).charge(usd, tokens);
    return new Settlement(usd, tokens, actualUsd.subtract(usd), actualTokens - tokens, late);
  }

  @Override
  public synchronized void release(Reservation reservation) {
    Objects.requireNonNull(reservation, "reservation");
    expire(clock.instant());
    if (outstanding.remove(reservation.id()) != null) {
      for (ScopeKey scope : reservation.scopes()) {
        tally(scope).unhold(reservation.usd(), reservation.tokens());
      }
    }
  }

  @Override
  public synchronized List<ScopeStatus> status(Spender spender) {
    Objects.requireNonNull(spender, "spender");
    List<ScopeStatus> out = new ArrayList<>(3);
    for (ScopeKey scope : spender.scopesAt(clock.instant())) out.add(status(scope));
    return List.copyOf(out);
  }

  @Override
  public synchronized ScopeStatus status(ScopeKey scope) {
    Objects.requireNonNull(scope, "scope");
    expire(clock.instant());
    Tally t = tallies.getOrDefault(scope, new Tally());
    return new ScopeStatus(
        scope,
        limitOf(scope),
        t.settledUsd,
        t.settledTokens,
        t.calls,
        t.reservedUsd,
        t.reservedTokens);
  }

  @Override
  public synchronized boolean claimAlert(BudgetAlert alert) {
    Objects.requireNonNull(alert, "alert");
    return alerts.putIfAbsent(
            alertKey(alert.tenant(), alert.day(), alert.thresholdPercent()), alert)
        == null;
  }

  @Override
  public synchronized List<BudgetAlert> alerts(TenantId tenant, LocalDate day) {
    List<BudgetAlert> out = new ArrayList<>();
    for (int threshold : BudgetAlert.THRESHOLDS) {
      BudgetAlert a = alerts.get(alertKey(tenant, day, threshold));
      if (a != null) out.add(a);
    }
    return List.copyOf(out);
  }

  private static String alertKey(TenantId tenant, LocalDate day, int threshold) {
    return tenant.value() + "|" + day + "|" + threshold;
  }

  private BudgetLimits limitOf(ScopeKey scope) {
    return scope.kind() == ScopeKey.Kind.TENANT_DAY
        ? dailyLimits.get(TenantId.of(scope.id()))
        : limits.get(scope);
  }

  private Tally tally(ScopeKey scope) {
    return tallies.computeIfAbsent(scope, k -> new Tally());
  }

  /**
   * Frees the headroom of every reservation whose time to live has passed. Expired reservations are
   * remembered for {@link BudgetLedger#EXPIRED_RETENTION} so that a late settlement is charged once
   * and a second one refused.
   */
  private void expire(Instant now) {
    for (Iterator<Reservation> it = outstanding.values().iterator(); it.hasNext(); ) {
      Reservation r = it.next();
      if (!now.isBefore(r.expiresAt())) {
        it.remove();
        expired.put(r.id(), r);
        for (ScopeKey scope : r.scopes()) tally(scope).unhold(r.usd(), r.tokens());
      }
    }
    expired.values().removeIf(r -> !now.isBefore(r.expiresAt().plus(EXPIRED_RETENTION)));
  }

  /** One scope's running totals; guarded by the ledger's lock. */
  private static final class Tally {
    BigDecimal settledUsd = BigDecimal.ZERO;
    long settledTokens;
    long calls;
    BigDecimal reservedUsd = BigDecimal.ZERO;
    long reservedTokens;

    void hold(BigDecimal usd, long tokens) {
      reservedUsd = reservedUsd.add(usd);
      reservedTokens += tokens;
    }

    void unhold(BigDecimal usd, long tokens) {
      reservedUsd = reservedUsd.subtract(usd);
      reservedTokens -= tokens;
    }

    void charge(BigDecimal usd, long tokens) {
      settledUsd = settledUsd.add(usd);
      settledTokens += tokens;
      calls++;
    }
  }
}
