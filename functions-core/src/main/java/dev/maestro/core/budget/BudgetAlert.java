package dev.maestro.core.budget;

import dev.maestro.core.continuation.TenantId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's spend on one UTC day reached a share of its daily cap (BRIEF §9: alerts at 50, 80 and
 * 100%). Raised once per tenant, day and threshold.
 *
 * @param tenant the tenant
 * @param day the UTC day
 * @param thresholdPercent the share of the cap reached: one of {@link #THRESHOLDS}
 * @param spentUsd settled plus reserved dollars when the threshold was first seen crossed
 * @param capUsd the daily hard cap then
 * @param raisedAt when it was raised
 */
public record BudgetAlert(
    TenantId tenant,
    LocalDate day,
    int thresholdPercent,
    BigDecimal spentUsd,
    BigDecimal capUsd,
    Instant raisedAt) {

  /** The thresholds, in percent of the daily cap, that raise an alert. */
  public static final List<Integer> THRESHOLDS = List.of(50, 80, 100);

  public BudgetAlert {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(spentUsd, "spentUsd");
    Objects.requireNonNull(capUsd, "capUsd");
    Objects.requireNonNull(raisedAt, "raisedAt");
    if (!THRESHOLDS.contains(thresholdPercent)) {
      throw new IllegalArgumentException("an alert threshold is one of " + THRESHOLDS);
    }
  }

  /** The tenant-day scope the alert is about. */
  public ScopeKey scope() {
    return ScopeKey.tenantDay(tenant, day);
  }
}
