package dev.maestro.core.budget;

import dev.maestro.core.budget.BudgetLedger.ScopeStatus;
import dev.maestro.core.continuation.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The tenant daily cap at API ingress (BRIEF §9): before a request that would start work (a new
 * continuation, a signal that resumes one), the tenant's current UTC day is read from the ledger;
 * once settled plus reserved spend is at 100% of the tenant's daily hard cap, the request is
 * refused until the next UTC midnight. A tenant without daily limits is never refused here (the
 * other scopes still cap each model call at reservation).
 *
 * <p>The cap itself comes from the tenant's policy document ({@code daily.dailyUsd}, compiled into
 * {@code TenantPolicy.dailyLimits()}) and lives in the ledger, which enforces it at every
 * reservation. {@link #apply} pushes one tenant's daily limits into a ledger; a cap built with
 * {@link #of(BudgetLedger, Clock, Function)} over the policy store ({@code tenant ->
 * policies.policyFor(tenant).dailyLimits()}) does so itself before each check, whenever the limits
 * differ from those it pushed last, so that loading a new policy revision reaches the ledger with
 * that tenant's next request. Removing {@code daily} from a document does not lift limits pushed
 * earlier (the ledger has no "unlimited" to go back to): set a larger {@code dailyUsd} instead.
 */
public final class TenantDailyCap {

  private static final TenantDailyCap NONE = new TenantDailyCap(null, Clock.systemUTC(), null);

  /**
   * The cap has been reached.
   *
   * @param status the tenant-day scope's standing
   * @param retryAt the next UTC midnight, when the tenant's new day starts empty
   * @param retryAfter the time from now until {@code retryAt} (at least one second)
   */
  public record Reached(ScopeStatus status, Instant retryAt, Duration retryAfter) {
    public Reached {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(retryAt, "retryAt");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** A sentence naming the cap, for a problem's {@code detail}. */
    public String detail() {
      return "the daily budget cap of tenant "
          + status.scope().id()
          + " is reached for "
          + status.scope().day()
          + " (UTC): $"
          + status.committedUsd().toPlainString()
          + " of $"
          + status.limits().maxUsd().toPlainString()
          + " is spent or reserved; new work is accepted again at "
          + retryAt;
    }
  }

  private final BudgetLedger ledger;
  private final Clock clock;
  private final Function<TenantId, Optional<BudgetLimits>> policies;

  /** The daily limits last pushed, per tenant. */
  private final ConcurrentHashMap<TenantId, BudgetLimits> pushed = new ConcurrentHashMap<>();

  private TenantDailyCap(
      BudgetLedger ledger, Clock clock, Function<TenantId, Optional<BudgetLimits>> policies) {
    this.ledger = ledger;
    this.clock = clock;
    this.policies = policies;
  }

  /** The cap as kept in {@code ledger}, the tenant's day taken from {@code clock} (UTC). */
  public static TenantDailyCap of(BudgetLedger ledger, Clock clock) {
    return new TenantDailyCap(
        Objects.requireNonNull(ledger, "ledger"), Objects.requireNonNull(clock, "clock"), null);
  }

  /**
   * The cap as kept in {@code ledger}, kept in step with the tenants' policies: before checking a
   * tenant, {@code dailyLimits} (the tenant's current policy's daily limits, empty without a daily
   * cap; served from memory) is consulted and pushed into the ledger when it differs from what this
   * cap pushed last.
   */
  public static TenantDailyCap of(
      BudgetLedger ledger, Clock clock, Function<TenantId, Optional<BudgetLimits>> dailyLimits) {
    return new TenantDailyCap(
        Objects.requireNonNull(ledger, "ledger"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(dailyLimits, "dailyLimits"));
  }

  /**
   * Pushes a tenant's daily limits (from its policy: {@code TenantPolicy.dailyLimits()}) into
   * {@code ledger}'s tenant-day limits; call it when a tenant's policy document is loaded or
   * replaced. Empty limits (no daily cap in the document) push nothing.
   *
   * @return whether there were limits to push
   */
  public static boolean apply(
      TenantId tenant, Optional<BudgetLimits> dailyLimits, BudgetLedger ledger) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(dailyLimits, "dailyLimits");
    Objects.requireNonNull(ledger, "ledger");
    dailyLimits.ifPresent(l -> ledger.limitTenantDaily(tenant, l));
    return dailyLimits.isPresent();
  }

  /** Pushes {@code tenant}'s current daily limits unless this cap pushed the same ones last. */
  private void sync(TenantId tenant) {
    Optional<BudgetLimits> limits = policies.apply(tenant);
    if (limits.isEmpty() || limits.get().equals(pushed.get(tenant))) return;
    apply(tenant, limits, ledger);
    pushed.put(tenant, limits.get());
  }

  /** No daily cap at ingress: every request proceeds. */
  public static TenantDailyCap none() {
    return NONE;
  }

  /** Whether {@code tenant}'s daily cap is reached now; empty when the request may proceed. */
  public Optional<Reached> check(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    if (ledger == null) return Optional.empty();
    if (policies != null) sync(tenant);
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    ScopeStatus status = ledger.status(ScopeKey.tenantDay(tenant, day));
    if (!status.capReached()) return Optional.empty();
    Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration left = Duration.between(now, midnight);
    // Retry-After is whole seconds: round up so a retry never lands before midnight.
    long seconds = Math.max(1, left.getSeconds() + (left.getNano() > 0 ? 1 : 0));
    return Optional.of(new Reached(status, midnight, Duration.ofSeconds(seconds)));
  }
}
