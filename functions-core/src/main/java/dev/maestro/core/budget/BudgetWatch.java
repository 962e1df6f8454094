package dev.maestro.core.budget;

import dev.maestro.core.continuation.TenantId;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link BudgetLedger} that raises the tenant-day alerts of BRIEF §9 over any other ledger: after
 * each reservation and settlement it reads the tenant-day scope the call drew on, and for each
 * threshold of {@link BudgetAlert#THRESHOLDS} that settled plus reserved spend has reached, claims
 * the alert in the ledger's store ({@link BudgetLedger#claimAlert}) and raises it only if this call
 * won the claim. So each threshold of each tenant-day is raised exactly once, however many callers,
 * processes and restarts race on it. Thresholds already known to be claimed are remembered, so
 * steady spending costs one read per call, not a write per threshold.
 *
 * <p>An alert channel that fails is logged and does not fail the spend (which already happened);
 * the alert stays recorded in the ledger.
 */
public final class BudgetWatch implements BudgetLedger {

  private static final System.Logger LOG = System.getLogger(BudgetWatch.class.getName());
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final BudgetLedger ledger;
  private final BudgetAlerts alerts;
  private final Clock clock;
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();

  /**
   * @param ledger the ledger that keeps the money and the alert markers
   * @param alerts where alerts go
   * @param clock stamps {@link BudgetAlert#raisedAt()}
   */
  public BudgetWatch(BudgetLedger ledger, BudgetAlerts alerts, Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    Reservation reservation = ledger.reserve(spender, usdMax, tokensMax);
    watch(reservation);
    return reservation;
  }

  @Override
  public Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    Settlement settlement = ledger.settle(reservation, actualUsd, actualTokens);
    watch(reservation);
    return settlement;
  }

  @Override
  public void release(Reservation reservation) {
    ledger.release(reservation);
  }

  @Override
  public List<ScopeStatus> status(Spender spender) {
    return ledger.status(spender);
  }

  @Override
  public ScopeStatus status(ScopeKey scope) {
    return ledger.status(scope);
  }

  @Override
  public void limit(ScopeKey.Kind kind, String id, BudgetLimits limits) {
    ledger.limit(kind, id, limits);
  }

  @Override
  public boolean claimAlert(BudgetAlert alert) {
    return ledger.claimAlert(alert);
  }

  @Override
  public List<BudgetAlert> alerts(TenantId tenant, LocalDate day) {
    return ledger.alerts(tenant, day);
  }

  private void watch(Reservation reservation) {
    for (ScopeKey scope : reservation.scopes()) {
      if (scope.kind() == ScopeKey.Kind.TENANT_DAY) check(scope);
    }
  }

  private void check(ScopeKey scope) {
    ScopeStatus status = ledger.status(scope);
    BudgetLimits limits = status.limits();
    BigDecimal committed = status.committedUsd();
    if (limits == null || committed.signum() == 0) return;
    for (int threshold : BudgetAlert.THRESHOLDS) {
      // committed / cap >= threshold / 100, without dividing (a zero cap is reached at once).
      BigDecimal bar = limits.maxUsd().multiply(BigDecimal.valueOf(threshold));
      if (committed.multiply(HUNDRED).compareTo(bar) < 0) break;
      String key = scope.id() + "|" + scope.day() + "|" + threshold;
      if (claimed.contains(key)) continue;
      var alert =
          new BudgetAlert(
              TenantId.of(scope.id()),
              scope.day(),
              threshold,
              committed,
              limits.maxUsd(),
              clock.instant());
      boolean won = ledger.claimAlert(alert);
      claimed.add(key);
      if (won) deliver(alert);
    }
  }

  private void deliver(BudgetAlert alert) {
    try {
      alerts.raise(alert);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "budget alert "
              + alert.thresholdPercent()
              + "% of "
              + alert.scope()
              + " is recorded but its delivery failed",
          e);
    }
  }
}
