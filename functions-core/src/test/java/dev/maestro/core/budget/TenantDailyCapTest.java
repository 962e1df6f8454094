package dev.maestro.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.BudgetLedger.Spender;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The tenant's daily cap travels from its policy document ({@code daily.dailyUsd}) into the ledger:
 * pushed explicitly when a policy is loaded, or by the ingress check whenever the policy's limits
 * change; then the ledger refuses what crosses it and the ingress check reports it reached.
 */
class TenantDailyCapTest {

  static final TenantId ACME = TenantId.of("acme");
  static final LocalDate DAY = LocalDate.parse("2026-11-23");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T21:30:00Z"));
  private final InMemoryBudgetLedger ledger =
      new InMemoryBudgetLedger(clock, Duration.ofMinutes(5));
  private final InMemoryPolicyStore policies = new InMemoryPolicyStore();

  private static PolicyDocument withDaily(long revision, PolicyDocument.Daily daily) {
    PolicyDocument d = PolicyDocument.defaults(ACME);
    return new PolicyDocument(
        d.version(),
        ACME,
        revision,
        d.enabled(),
        d.tiers(),
        d.softCapFraction(),
        d.allowedTools(),
        d.costlyTools(),
        d.maxForks(),
        d.approval(),
        d.externalRuntimes(),
        d.deferSeconds(),
        daily);
  }

  private BudgetLimits today() {
    return ledger.status(ScopeKey.tenantDay(ACME, DAY)).limits();
  }

  private void spend(String usd) {
    ContinuationId id = ContinuationId.of("0190f0a0-0000-7000-8000-000000000001");
    var r = ledger.reserve(new Spender(id, id, ACME), new BigDecimal(usd), 0);
    ledger.settle(r, new BigDecimal(usd), 0);
  }

  @Test
  void givenAPolicyWithADailyCap_whenPushed_thenTheLedgerHoldsItWithTheDefaultSoftCap() {
    policies.put(withDaily(1, new PolicyDocument.Daily(new BigDecimal("10"), null)));

    boolean pushed = policies.policyFor(ACME).pushDailyLimits(ledger);

    assertThat(pushed).isTrue();
    assertThat(today().maxUsd()).isEqualByComparingTo("10");
    assertThat(today().softUsd()).isEqualByComparingTo("8");
    assertThat(today().maxTokens()).isZero();
  }

  @Test
  void givenAPolicyWithoutADailyCap_whenPushed_thenNothingIsSet() {
    assertThat(policies.policyFor(ACME).pushDailyLimits(ledger)).isFalse();
    assertThat(TenantDailyCap.apply(ACME, Optional.empty(), ledger)).isFalse();

    assertThat(today()).isNull();
  }

  @Test
  void givenACapOverThePolicyStore_whenChecked_thenThePolicysLimitsReachTheLedgerAndFollowEdits() {
    TenantDailyCap cap =
        TenantDailyCap.of(ledger, clock, tenant -> policies.policyFor(tenant).dailyLimits());
    assertThat(cap.check(ACME)).isEmpty();
    assertThat(today()).isNull();

    policies.put(withDaily(1, new PolicyDocument.Daily(new BigDecimal("5"), new BigDecimal("1"))));
    spend("4.00");
    assertThat(cap.check(ACME)).isEmpty();
    assertThat(today().maxUsd()).isEqualByComparingTo("5");
    assertThat(today().softUsd()).isEqualByComparingTo("1");

    policies.put(withDaily(2, new PolicyDocument.Daily(new BigDecimal("4"), null)));
    var reached = cap.check(ACME);

    assertThat(reached).isPresent();
    assertThat(reached.get().status().limits().maxUsd()).isEqualByComparingTo("4");
    assertThat(reached.get().retryAt()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(reached.get().retryAfter()).isEqualTo(Duration.ofMinutes(150));
  }
}
