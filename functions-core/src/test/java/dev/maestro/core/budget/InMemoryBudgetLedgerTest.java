package dev.maestro.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.budget.BudgetLedger.Reservation;
import dev.maestro.core.budget.BudgetLedger.ScopeStatus;
import dev.maestro.core.budget.BudgetLedger.Settlement;
import dev.maestro.core.budget.BudgetLedger.Spender;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class InMemoryBudgetLedgerTest {

  static final ContinuationId ROOT = ContinuationId.of("0190f0a0-0000-7000-8000-000000000001");
  static final ContinuationId CHILD = ContinuationId.of("0190f0a0-0000-7000-8000-000000000002");
  static final TenantId ACME = TenantId.of("acme");
  static final Spender AT_ROOT = new Spender(ROOT, ROOT, ACME);
  static final Spender AT_CHILD = new Spender(CHILD, ROOT, ACME);
  static final Duration TTL = Duration.ofMinutes(10);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
  private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger(clock, TTL);

  static BigDecimal usd(String s) {
    return new BigDecimal(s);
  }

  static BudgetLimits cap(String usd) {
    return BudgetLimits.ofUsd(usd(usd), 0);
  }

  private ScopeStatus status(Spender s, ScopeKey.Kind kind) {
    return ledger.status(s).stream()
        .filter(x -> x.scope().kind() == kind)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void givenAReservation_whenSettledBelowIt_thenTheActualIsChargedAndTheRestFreed() {
    ledger.limitContinuation(ROOT, cap("1.00"));

    Reservation r = ledger.reserve(AT_ROOT, usd("0.60"), 1_000);
    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).reservedUsd())
        .isEqualByComparingTo("0.60");
    Settlement s = ledger.settle(r, usd("0.25"), 400);

    assertThat(s.chargedUsd()).isEqualByComparingTo("0.25");
    assertThat(s.overage()).isFalse();
    ScopeStatus after = status(AT_ROOT, ScopeKey.Kind.CONTINUATION);
    assertThat(after.settledUsd()).isEqualByComparingTo("0.25");
    assertThat(after.reservedUsd()).isEqualByComparingTo("0");
    assertThat(after.settledTokens()).isEqualTo(400);
    assertThat(after.calls()).isEqualTo(1);
    ledger.reserve(AT_ROOT, usd("0.75"), 0);
  }

  @Test
  void givenAReservation_whenSettledAboveIt_thenTheChargeIsClampedAndTheOverageReported() {
    Reservation r = ledger.reserve(AT_ROOT, usd("0.10"), 100);

    Settlement s = ledger.settle(r, usd("0.13"), 150);

    assertThat(s.chargedUsd()).isEqualByComparingTo("0.10");
    assertThat(s.chargedTokens()).isEqualTo(100);
    assertThat(s.overageUsd()).isEqualByComparingTo("0.03");
    assertThat(s.overageTokens()).isEqualTo(50);
    assertThat(s.overage()).isTrue();
  }

  @Test
  void givenAReservation_whenReleased_thenItsHeadroomIsFreeAgainAndReleaseIsIdempotent() {
    ledger.limitContinuation(ROOT, cap("1.00"));
    Reservation r = ledger.reserve(AT_ROOT, usd("1.00"), 0);
    assertThatThrownBy(() -> ledger.reserve(AT_ROOT, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);

    ledger.release(r);
    ledger.release(r);

    assertThat(ledger.reserve(AT_ROOT, usd("1.00"), 0)).isNotNull();
    assertThatThrownBy(() -> ledger.settle(r, usd("0.5"), 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void givenASettledReservation_whenSettledAgain_thenItIsRefused() {
    Reservation r = ledger.reserve(AT_ROOT, usd("0.10"), 0);
    ledger.settle(r, usd("0.05"), 0);

    assertThatThrownBy(() -> ledger.settle(r, usd("0.05"), 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void givenOnlyAContinuationCap_whenExceeded_thenTheContinuationScopeIsNamed() {
    ledger.limitContinuation(CHILD, cap("0.50"));
    ledger.settle(ledger.reserve(AT_CHILD, usd("0.40"), 0), usd("0.40"), 0);

    assertThatThrownBy(() -> ledger.reserve(AT_CHILD, usd("0.11"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("continuation " + CHILD.value());
    assertThat(ledger.reserve(AT_ROOT, usd("5.00"), 0)).isNotNull();
  }

  @Test
  void givenOnlyATreeCap_whenForksTogetherExceedIt_thenTheTreeScopeIsNamed() {
    ledger.limitTree(ROOT, cap("1.00"));
    ledger.reserve(AT_ROOT, usd("0.70"), 0);

    assertThatThrownBy(() -> ledger.reserve(AT_CHILD, usd("0.31"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("tree " + ROOT.value());
    assertThat(ledger.reserve(AT_CHILD, usd("0.30"), 0)).isNotNull();
  }

  @Test
  void givenOnlyATenantDailyCap_whenExceeded_thenTheTenantDayIsNamed() {
    ledger.limitTenantDaily(ACME, cap("2.00"));
    ledger.reserve(AT_ROOT, usd("1.50"), 0);

    assertThatThrownBy(() -> ledger.reserve(AT_CHILD, usd("0.51"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("tenant-day acme 2026-11-23");
    var other = new Spender(CHILD, CHILD, TenantId.of("globex"));
    assertThat(ledger.reserve(other, usd("0.51"), 0)).isNotNull();
  }

  @Test
  void givenATokenCap_whenTokensWouldCrossIt_thenTheReservationIsRefused() {
    ledger.limitContinuation(ROOT, BudgetLimits.ofUsd(usd("100"), 1_000));
    ledger.reserve(AT_ROOT, usd("0"), 900);

    assertThatThrownBy(() -> ledger.reserve(AT_ROOT, usd("0"), 101))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("token cap");
    assertThat(ledger.reserve(AT_ROOT, usd("0"), 100)).isNotNull();
  }

  @Test
  void givenAZeroCap_whenAFreeCallIsReserved_thenItIsGrantedAndNothingIsPastTheSoftCap() {
    ledger.limitContinuation(ROOT, cap("0"));

    ledger.settle(ledger.reserve(AT_ROOT, usd("0"), 0), usd("0"), 0);

    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).pastSoftCap()).isFalse();
    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).usedFraction()).isZero();
    assertThatThrownBy(() -> ledger.reserve(AT_ROOT, usd("0.000001"), 0))
        .isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void givenATenantDayAtItsCap_whenUtcMidnightPasses_thenTheNewDayStartsEmpty() {
    clock.advance(Duration.ofHours(11).plusMinutes(59)); // 23:59 UTC
    ledger.limitTenantDaily(ACME, cap("1.00"));
    Reservation late = ledger.reserve(AT_ROOT, usd("1.00"), 0);
    assertThatThrownBy(() -> ledger.reserve(AT_ROOT, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);

    clock.advance(Duration.ofMinutes(2)); // 00:01 UTC the next day
    ledger.settle(late, usd("1.00"), 0);

    assertThat(late.scopes()).contains(ScopeKey.tenantDay(ACME, LocalDate.parse("2026-11-23")));
    ScopeStatus today = status(AT_ROOT, ScopeKey.Kind.TENANT_DAY);
    assertThat(today.scope().day()).isEqualTo(LocalDate.parse("2026-11-24"));
    assertThat(today.settledUsd()).isEqualByComparingTo("0");
    assertThat(ledger.reserve(AT_ROOT, usd("1.00"), 0)).isNotNull();
  }

  @Test
  void givenACrashedCaller_whenItsReservationOutlivesTheTtl_thenTheHeadroomIsFreed() {
    ledger.limitContinuation(ROOT, cap("1.00"));
    Reservation crashed = ledger.reserve(AT_ROOT, usd("1.00"), 0);

    clock.advance(TTL.minusSeconds(1));
    assertThatThrownBy(() -> ledger.reserve(AT_ROOT, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);
    clock.advance(Duration.ofSeconds(1));

    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).reservedUsd()).isEqualByComparingTo("0");
    Reservation next = ledger.reserve(AT_ROOT, usd("0.70"), 0);
    // The slow caller comes back: only the headroom still free (0.30) can be charged.
    Settlement s = ledger.settle(crashed, usd("0.50"), 0);
    assertThat(s.late()).isTrue();
    assertThat(s.chargedUsd()).isEqualByComparingTo("0.30");
    assertThat(s.overageUsd()).isEqualByComparingTo("0.20");
    ledger.settle(next, usd("0.70"), 0);
    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).settledUsd())
        .isEqualByComparingTo("1.00");
  }

  @Test
  void givenSpendPastTheSoftCap_whenStatusIsRead_thenItSaysSoAndGivesTheFraction() {
    ledger.limitTree(ROOT, cap("10.00")); // soft cap at 8.00
    ledger.settle(ledger.reserve(AT_CHILD, usd("7.00"), 0), usd("7.00"), 0);
    assertThat(status(AT_ROOT, ScopeKey.Kind.TREE).pastSoftCap()).isFalse();

    ledger.reserve(AT_ROOT, usd("1.00"), 0);

    ScopeStatus tree = status(AT_ROOT, ScopeKey.Kind.TREE);
    assertThat(tree.pastSoftCap()).isTrue();
    assertThat(tree.usedFraction()).isEqualTo(0.8);
    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).limits()).isNull();
    assertThat(status(AT_ROOT, ScopeKey.Kind.CONTINUATION).usedFraction()).isZero();
  }
}
