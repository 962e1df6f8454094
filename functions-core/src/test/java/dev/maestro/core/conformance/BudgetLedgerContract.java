package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.budget.BudgetAlert;
import dev.maestro.core.budget.BudgetAlerts;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLedger.Reservation;
import dev.maestro.core.budget.BudgetLedger.ScopeStatus;
import dev.maestro.core.budget.BudgetLedger.Settlement;
import dev.maestro.core.budget.BudgetLedger.Spender;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.BudgetWatch;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BudgetLedger} must do (BRIEF §9), on the store it really uses: reserve before a
 * call and settle or release after; settlement clamps to the reservation and reports overage; every
 * scope's hard cap (continuation, tree, tenant-day, dollars and tokens) refuses what would cross
 * it; expired reservations free their headroom and settle late within what is left; tenant days
 * roll over at UTC midnight; a reservation settles once; concurrent spenders on real threads never
 * cross a cap; and the alert markers behind {@link BudgetWatch} are claimed exactly once.
 *
 * <p>An implementation supplies {@link #newLedger}; one that persists supplies {@link #reopen} too.
 * Every test uses its own tenant and continuations, so stores shared between tests are fine.
 */
public abstract class BudgetLedgerContract {

  /** The reservation time to live every test runs with. */
  protected static final Duration TTL = Duration.ofMinutes(10);

  /** Noon UTC, so a test can reach midnight both ways. */
  protected static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

  protected final ManualClock clock = new ManualClock(START);
  protected final TenantId tenant = Fixtures.tenant("budget");
  protected final ContinuationId root = Fixtures.newId(START);
  protected final ContinuationId child = Fixtures.newId(START.plusMillis(1));
  protected final Spender atRoot = new Spender(root, root, tenant);
  protected final Spender atChild = new Spender(child, root, tenant);

  protected BudgetLedger ledger;

  /**
   * A ledger over fresh (or test-unique) storage that expires reservations after {@code ttl}
   * against {@code clock} and cuts tenant days by it.
   */
  protected abstract BudgetLedger newLedger(Clock clock, Duration ttl);

  /**
   * The same storage opened again with {@code clock} and {@code ttl}, as a restarted process would;
   * null (the default) when the ledger keeps nothing across a restart, which skips those tests.
   */
  protected BudgetLedger reopen(Clock clock, Duration ttl) {
    return null;
  }

  /** Operations per thread in the concurrency tests; slower stores may lower it. */
  protected int concurrentOpsPerThread() {
    return 40;
  }

  /** Releases whatever {@link #newLedger} opened; called after each test. */
  protected void closeLedger() {}

  @BeforeEach
  void openLedger() {
    ledger = newLedger(clock, TTL);
  }

  @AfterEach
  void close() {
    closeLedger();
  }

  protected static BigDecimal usd(String s) {
    return new BigDecimal(s);
  }

  protected static BudgetLimits cap(String usd) {
    return BudgetLimits.ofUsd(usd(usd), 0);
  }

  private ScopeStatus status(Spender s, ScopeKey.Kind kind) {
    return ledger.status(s).stream()
        .filter(x -> x.scope().kind() == kind)
        .findFirst()
        .orElseThrow();
  }

  // ---- reserve, settle, release ----------------------------------------------------------------

  @Test
  void givenAReservation_whenSettledBelowIt_thenTheActualIsChargedAndTheRestFreed() {
    ledger.limitContinuation(root, cap("1.00"));

    Reservation r = ledger.reserve(atRoot, usd("0.60"), 1_000);
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).reservedUsd())
        .isEqualByComparingTo("0.60");
    Settlement s = ledger.settle(r, usd("0.25"), 400);

    assertThat(s.chargedUsd()).isEqualByComparingTo("0.25");
    assertThat(s.chargedTokens()).isEqualTo(400);
    assertThat(s.overage()).isFalse();
    assertThat(s.late()).isFalse();
    ScopeStatus after = status(atRoot, ScopeKey.Kind.CONTINUATION);
    assertThat(after.settledUsd()).isEqualByComparingTo("0.25");
    assertThat(after.reservedUsd()).isEqualByComparingTo("0");
    assertThat(after.settledTokens()).isEqualTo(400);
    assertThat(after.reservedTokens()).isZero();
    assertThat(after.calls()).isEqualTo(1);
    assertThat(ledger.reserve(atRoot, usd("0.75"), 0)).isNotNull();
  }

  @Test
  void givenAReservation_whenSettledAboveIt_thenTheChargeIsClampedAndTheOverageReported() {
    Reservation r = ledger.reserve(atRoot, usd("0.10"), 100);

    Settlement s = ledger.settle(r, usd("0.13"), 150);

    assertThat(s.chargedUsd()).isEqualByComparingTo("0.10");
    assertThat(s.chargedTokens()).isEqualTo(100);
    assertThat(s.overageUsd()).isEqualByComparingTo("0.03");
    assertThat(s.overageTokens()).isEqualTo(50);
    assertThat(s.overage()).isTrue();
    for (ScopeStatus scope : ledger.status(atRoot)) {
      assertThat(scope.settledUsd()).as("%s", scope.scope()).isEqualByComparingTo("0.10");
      assertThat(scope.settledTokens()).isEqualTo(100);
    }
  }

  @Test
  void givenAReservation_whenReleased_thenItsHeadroomIsFreeAgainAndReleaseIsIdempotent() {
    ledger.limitContinuation(root, cap("1.00"));
    Reservation r = ledger.reserve(atRoot, usd("1.00"), 0);
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);

    ledger.release(r);
    ledger.release(r);

    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).reservedUsd()).isEqualByComparingTo("0");
    assertThat(ledger.reserve(atRoot, usd("1.00"), 0)).isNotNull();
    assertThatThrownBy(() -> ledger.settle(r, usd("0.5"), 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void givenASettledReservation_whenSettledAgain_thenItIsRefusedAndNothingMoreIsCharged() {
    Reservation r = ledger.reserve(atRoot, usd("0.10"), 0);
    ledger.settle(r, usd("0.05"), 0);

    assertThatThrownBy(() -> ledger.settle(r, usd("0.05"), 0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).settledUsd())
        .isEqualByComparingTo("0.05");
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).calls()).isEqualTo(1);
  }

  @Test
  void givenANegativeAmount_whenReservedOrSettled_thenItIsRefused() {
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("-0.01"), 0))
        .isInstanceOf(IllegalArgumentException.class);
    Reservation r = ledger.reserve(atRoot, usd("0.01"), 0);
    assertThatThrownBy(() -> ledger.settle(r, usd("-0.01"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- every scope's cap -----------------------------------------------------------------------

  @Test
  void givenOnlyAContinuationCap_whenExceeded_thenTheContinuationScopeIsNamed() {
    ledger.limitContinuation(child, cap("0.50"));
    ledger.settle(ledger.reserve(atChild, usd("0.40"), 0), usd("0.40"), 0);

    assertThatThrownBy(() -> ledger.reserve(atChild, usd("0.11"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("continuation " + child.value());
    assertThat(ledger.reserve(atRoot, usd("5.00"), 0)).isNotNull();
  }

  @Test
  void givenOnlyATreeCap_whenForksTogetherExceedIt_thenTheTreeScopeIsNamed() {
    ledger.limitTree(root, cap("1.00"));
    ledger.reserve(atRoot, usd("0.70"), 0);

    assertThatThrownBy(() -> ledger.reserve(atChild, usd("0.31"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("tree " + root.value());
    assertThat(ledger.reserve(atChild, usd("0.30"), 0)).isNotNull();
  }

  @Test
  void givenOnlyATenantDailyCap_whenExceeded_thenTheTenantDayIsNamed() {
    ledger.limitTenantDaily(tenant, cap("2.00"));
    ledger.reserve(atRoot, usd("1.50"), 0);

    assertThatThrownBy(() -> ledger.reserve(atChild, usd("0.51"), 0))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("tenant-day " + tenant.value() + " 2026-11-23");
    var other = Fixtures.newId(START);
    var elsewhere = new Spender(other, other, Fixtures.tenant("other"));
    assertThat(ledger.reserve(elsewhere, usd("0.51"), 0)).isNotNull();
  }

  @Test
  void givenATokenCap_whenTokensWouldCrossIt_thenTheReservationIsRefused() {
    ledger.limitContinuation(root, BudgetLimits.ofUsd(usd("100"), 1_000));
    ledger.reserve(atRoot, usd("0"), 900);

    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0"), 101))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("token cap");
    assertThat(ledger.reserve(atRoot, usd("0"), 100)).isNotNull();
  }

  @Test
  void givenARefusal_whenItHappens_thenNothingIsHeldInAnyScope() {
    ledger.limitTree(root, cap("1.00"));
    ledger.reserve(atRoot, usd("0.90"), 10);

    assertThatThrownBy(() -> ledger.reserve(atChild, usd("0.20"), 10))
        .isInstanceOf(BudgetExceededException.class);

    assertThat(status(atChild, ScopeKey.Kind.CONTINUATION).reservedUsd()).isEqualByComparingTo("0");
    assertThat(status(atChild, ScopeKey.Kind.TENANT_DAY).reservedUsd())
        .isEqualByComparingTo("0.90");
  }

  @Test
  void givenAZeroCap_whenAFreeCallIsReserved_thenItIsGrantedAndNothingIsPastTheSoftCap() {
    ledger.limitContinuation(root, cap("0"));

    ledger.settle(ledger.reserve(atRoot, usd("0"), 0), usd("0"), 0);

    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).pastSoftCap()).isFalse();
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).usedFraction()).isZero();
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.000001"), 0))
        .isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void givenALimitChange_whenTheNextReservationIsTaken_thenTheNewLimitApplies() {
    ledger.limitContinuation(root, cap("1.00"));
    ledger.settle(ledger.reserve(atRoot, usd("0.80"), 0), usd("0.80"), 0);

    ledger.limitContinuation(root, cap("0.50"));

    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);
    assertSameLimits(status(atRoot, ScopeKey.Kind.CONTINUATION).limits(), cap("0.50"));
  }

  // ---- time
  // --------------------------------------------------------------------------------------

  @Test
  void givenATenantDayAtItsCap_whenUtcMidnightPasses_thenTheNewDayStartsEmpty() {
    clock.advance(Duration.ofHours(11).plusMinutes(59)); // 23:59 UTC
    ledger.limitTenantDaily(tenant, cap("1.00"));
    Reservation late = ledger.reserve(atRoot, usd("1.00"), 0);
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);

    clock.advance(Duration.ofMinutes(2)); // 00:01 UTC the next day
    ledger.settle(late, usd("1.00"), 0);

    LocalDate yesterday = LocalDate.parse("2026-11-23");
    assertThat(late.scopes()).contains(ScopeKey.tenantDay(tenant, yesterday));
    assertThat(ledger.status(ScopeKey.tenantDay(tenant, yesterday)).settledUsd())
        .isEqualByComparingTo("1.00");
    ScopeStatus today = status(atRoot, ScopeKey.Kind.TENANT_DAY);
    assertThat(today.scope().day()).isEqualTo(LocalDate.parse("2026-11-24"));
    assertThat(today.settledUsd()).isEqualByComparingTo("0");
    assertSameLimits(today.limits(), cap("1.00"));
    assertThat(ledger.reserve(atRoot, usd("1.00"), 0)).isNotNull();
  }

  @Test
  void givenACrashedCaller_whenItsReservationOutlivesTheTtl_thenTheHeadroomIsFreed() {
    ledger.limitContinuation(root, cap("1.00"));
    Reservation crashed = ledger.reserve(atRoot, usd("1.00"), 0);

    clock.advance(TTL.minusSeconds(1));
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);
    clock.advance(Duration.ofSeconds(1));

    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).reservedUsd()).isEqualByComparingTo("0");
    Reservation next = ledger.reserve(atRoot, usd("0.70"), 0);
    // The slow caller comes back: only the headroom still free (0.30) can be charged.
    Settlement s = ledger.settle(crashed, usd("0.50"), 0);
    assertThat(s.late()).isTrue();
    assertThat(s.chargedUsd()).isEqualByComparingTo("0.30");
    assertThat(s.overageUsd()).isEqualByComparingTo("0.20");
    ledger.settle(next, usd("0.70"), 0);
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).settledUsd())
        .isEqualByComparingTo("1.00");
  }

  @Test
  void givenAnExpiredReservationSettledLate_whenSettledAgain_thenItIsRefused() {
    Reservation crashed = ledger.reserve(atRoot, usd("0.10"), 0);
    clock.advance(TTL.plusSeconds(1));
    assertThat(ledger.settle(crashed, usd("0.10"), 0).late()).isTrue();

    assertThatThrownBy(() -> ledger.settle(crashed, usd("0.10"), 0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).settledUsd())
        .isEqualByComparingTo("0.10");
  }

  // ---- status
  // ------------------------------------------------------------------------------------

  @Test
  void givenSpendPastTheSoftCap_whenStatusIsRead_thenItSaysSoAndGivesTheFraction() {
    ledger.limitTree(root, cap("10.00")); // soft cap at 8.00
    ledger.settle(ledger.reserve(atChild, usd("7.00"), 0), usd("7.00"), 0);
    assertThat(status(atRoot, ScopeKey.Kind.TREE).pastSoftCap()).isFalse();

    ledger.reserve(atRoot, usd("1.00"), 0);

    ScopeStatus tree = status(atRoot, ScopeKey.Kind.TREE);
    assertThat(tree.pastSoftCap()).isTrue();
    assertThat(tree.usedFraction()).isEqualTo(0.8);
    assertThat(tree.calls()).isEqualTo(1);
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).limits()).isNull();
    assertThat(status(atRoot, ScopeKey.Kind.CONTINUATION).usedFraction()).isZero();
  }

  @Test
  void givenASpender_whenStatusIsRead_thenItListsContinuationTreeAndTodayInOrder() {
    assertThat(ledger.status(atChild))
        .extracting(ScopeStatus::scope)
        .containsExactly(
            ScopeKey.continuation(child),
            ScopeKey.tree(root),
            ScopeKey.tenantDay(tenant, LocalDate.parse("2026-11-23")));
    ScopeStatus untouched =
        ledger.status(ScopeKey.tenantDay(tenant, LocalDate.parse("2026-01-01")));
    assertThat(untouched.committedUsd()).isEqualByComparingTo("0");
    assertThat(untouched.capReached()).isFalse();
  }

  @Test
  void givenATenantDayAtItsCap_whenItsStatusIsRead_thenTheCapIsReached() {
    ledger.limitTenantDaily(tenant, cap("1.00"));
    ledger.settle(ledger.reserve(atRoot, usd("0.60"), 0), usd("0.60"), 0);
    ScopeKey today = ScopeKey.tenantDay(tenant, LocalDate.parse("2026-11-23"));
    assertThat(ledger.status(today).capReached()).isFalse();

    ledger.reserve(atChild, usd("0.40"), 0);

    assertThat(ledger.status(today).capReached()).isTrue();
    assertThat(ledger.status(today).committedUsd()).isEqualByComparingTo("1.00");
  }

  // ---- persistence
  // -------------------------------------------------------------------------------

  @Test
  void givenSpendAndLimits_whenTheStoreIsReopened_thenBothAreStillThere() {
    ledger.limitTree(root, cap("1.00"));
    ledger.limitTenantDaily(tenant, cap("5.00"));
    Reservation held = ledger.reserve(atRoot, usd("0.30"), 0);
    ledger.settle(ledger.reserve(atChild, usd("0.50"), 0), usd("0.40"), 0);

    BudgetLedger again = reopen(clock, TTL);
    Assumptions.assumeTrue(again != null, "this ledger keeps nothing across a restart");

    ScopeStatus tree = again.status(ScopeKey.tree(root));
    assertSameLimits(tree.limits(), cap("1.00"));
    assertThat(tree.settledUsd()).isEqualByComparingTo("0.40");
    assertThat(tree.reservedUsd()).isEqualByComparingTo("0.30");
    assertThat(again.settle(held, usd("0.30"), 0).late()).isFalse();
    assertThatThrownBy(() -> again.reserve(atChild, usd("0.31"), 0))
        .isInstanceOf(BudgetExceededException.class);
  }

  // ---- alert markers
  // -----------------------------------------------------------------------------

  @Test
  void givenAnAlert_whenClaimedTwice_thenOnlyTheFirstClaimWinsAndItIsListed() {
    LocalDate day = LocalDate.parse("2026-11-23");
    var alert = new BudgetAlert(tenant, day, 80, usd("8.00"), usd("10.00"), START);

    assertThat(ledger.claimAlert(alert)).isTrue();
    assertThat(ledger.claimAlert(alert)).isFalse();
    assertThat(ledger.claimAlert(new BudgetAlert(tenant, day, 50, usd("5"), usd("10"), START)))
        .isTrue();
    assertThat(
            ledger.claimAlert(
                new BudgetAlert(tenant, day.plusDays(1), 80, usd("8"), usd("10"), START)))
        .isTrue();

    List<BudgetAlert> listed = ledger.alerts(tenant, day);
    assertThat(listed).extracting(BudgetAlert::thresholdPercent).containsExactly(50, 80);
    assertThat(listed.get(1).spentUsd()).isEqualByComparingTo("8.00");
    assertThat(listed.get(1).capUsd()).isEqualByComparingTo("10.00");
    BudgetLedger again = reopen(clock, TTL);
    if (again != null) {
      assertThat(again.claimAlert(alert)).as("still claimed after a restart").isFalse();
    }
  }

  @Test
  void
      givenConcurrentSettlementsThroughWatches_whenTheTenantDayCrossesEachThreshold_thenEachAlertIsRaisedOnce()
          throws Exception {
    ledger.limitTenantDaily(tenant, cap("1.00"));
    var raised = new ConcurrentLinkedQueue<BudgetAlert>();
    BudgetAlerts channel = raised::add;
    int threads = 8;
    // One watch per thread, as separate processes would each have.
    List<BudgetWatch> watches = new ArrayList<>();
    for (int t = 0; t < threads; t++) watches.add(new BudgetWatch(ledger, channel, clock));

    runOnThreads(
        threads,
        t -> {
          for (int i = 0; i < 4; i++) {
            BudgetWatch watch = watches.get(t);
            try {
              watch.settle(watch.reserve(atRoot, usd("0.05"), 0), usd("0.05"), 0);
            } catch (BudgetExceededException full) {
              return;
            }
          }
        });

    assertThat(raised)
        .extracting(BudgetAlert::thresholdPercent)
        .containsExactlyInAnyOrder(50, 80, 100);
    for (BudgetAlert alert : raised) {
      assertThat(alert.tenant()).isEqualTo(tenant);
      assertThat(alert.day()).isEqualTo(LocalDate.parse("2026-11-23"));
      assertThat(alert.capUsd()).isEqualByComparingTo("1.00");
      assertThat(alert.spentUsd().multiply(BigDecimal.valueOf(100)))
          .isGreaterThanOrEqualTo(BigDecimal.valueOf(alert.thresholdPercent()));
    }
    assertThat(ledger.alerts(tenant, LocalDate.parse("2026-11-23"))).hasSize(3);
  }

  // ---- concurrency
  // -------------------------------------------------------------------------------

  @Test
  void givenConcurrentSpenders_whenTheyRace_thenNoHardCapIsEverCrossedAndTotalsAddUp()
      throws Exception {
    race(1L, 90, 150, 200, 2_000);
  }

  @Test
  void givenConcurrentSpendersOnTightCaps_whenTheyRace_thenNoHardCapIsEverCrossed()
      throws Exception {
    race(7L, 25, 40, 60, 500);
  }

  private void race(long seed, int contCents, int treeCents, int dayCents, int tokenCap)
      throws Exception {
    var race =
        new SpendRace(
            ledger,
            tenant,
            root,
            child,
            Fixtures.newId(START.plusMillis(2)),
            8,
            concurrentOpsPerThread(),
            200,
            300);
    race.limit(contCents, treeCents, dayCents, tokenCap);

    SpendRace.Run run = race.run(seed);

    assertThat(run.violations()).isEmpty();
    race.assertNothingOutstandingOrCrossed();
    race.assertSettledTotalsAreTheSumOf(run.charges());
  }

  /** Limits compared by value: a store may give back {@code 1} for {@code 1.00}. */
  protected static void assertSameLimits(BudgetLimits actual, BudgetLimits expected) {
    assertThat(actual).isNotNull();
    assertThat(actual.maxUsd()).isEqualByComparingTo(expected.maxUsd());
    assertThat(actual.softUsd()).isEqualByComparingTo(expected.softUsd());
    assertThat(actual.maxTokens()).isEqualTo(expected.maxTokens());
  }

  /** The body of one racing thread, given its index. */
  @FunctionalInterface
  protected interface Racer {
    void run(int thread) throws Exception;
  }

  /** Runs {@code racer} on {@code threads} real threads released together; rethrows a failure. */
  protected static void runOnThreads(int threads, Racer racer) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      var start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  racer.run(index);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Real threads racing on one ledger: three continuations ({@code a} and {@code b} in the tree
   * rooted at {@code a}, {@code c} alone in its own) of one tenant, each thread reserving, then
   * settling (up to 50% above the reservation, to exercise the clamp) or releasing, at random.
   * Shared by this contract and the in-memory ledger's property tests.
   *
   * @param ledger the ledger raced on
   * @param tenant the spenders' tenant
   * @param a the root of the first tree
   * @param b a fork in {@code a}'s tree
   * @param c the root of the second tree
   * @param threads how many threads race
   * @param opsPerThread how many reservations each thread tries
   * @param maxWantMills the largest reservation, in thousandths of a dollar (exclusive)
   * @param maxTokens the largest token reservation (exclusive)
   */
  public record SpendRace(
      BudgetLedger ledger,
      TenantId tenant,
      ContinuationId a,
      ContinuationId b,
      ContinuationId c,
      int threads,
      int opsPerThread,
      int maxWantMills,
      int maxTokens) {

    /** One settlement's charge, on the scopes it was reserved in. */
    public record Charge(List<ScopeKey> scopes, BigDecimal usd, long tokens) {}

    /** What one run observed: violations seen mid-run and every settlement's charge. */
    public record Run(List<String> violations, List<Charge> charges) {}

    /** The three spenders: {@code a} and {@code b} in {@code a}'s tree, {@code c} in its own. */
    public List<Spender> spenders() {
      return List.of(
          new Spender(a, a, tenant), new Spender(b, a, tenant), new Spender(c, c, tenant));
    }

    /**
     * Caps every continuation at {@code contCents} (and {@code tokenCap} tokens, 0 for none), both
     * trees at {@code treeCents} and the tenant's day at {@code dayCents}.
     */
    public void limit(int contCents, int treeCents, int dayCents, int tokenCap) {
      for (ContinuationId id : List.of(a, b, c)) {
        ledger.limitContinuation(
            id, BudgetLimits.ofUsd(BigDecimal.valueOf(contCents, 2), tokenCap));
      }
      ledger.limitTree(a, BudgetLimits.ofUsd(BigDecimal.valueOf(treeCents, 2), 0));
      ledger.limitTree(c, BudgetLimits.ofUsd(BigDecimal.valueOf(treeCents, 2), 0));
      ledger.limitTenantDaily(tenant, BudgetLimits.ofUsd(BigDecimal.valueOf(dayCents, 2), 0));
    }

    /** Races the threads, each on its own random stream drawn from {@code seed}. */
    public Run run(long seed) throws Exception {
      List<Spender> spenders = spenders();
      var violations = new ConcurrentLinkedQueue<String>();
      var charges = new ConcurrentLinkedQueue<Charge>();
      runOnThreads(
          threads,
          t -> {
            var random = new SplittableRandom(seed * 31 + t);
            for (int i = 0; i < opsPerThread; i++) {
              Spender who = spenders.get(random.nextInt(spenders.size()));
              BigDecimal want = BigDecimal.valueOf(random.nextInt(0, maxWantMills), 3);
              long tokens = random.nextInt(0, maxTokens);
              Reservation r;
              try {
                r = ledger.reserve(who, want, tokens);
              } catch (BudgetExceededException refused) {
                continue;
              }
              for (ScopeStatus s : ledger.status(who)) {
                if (crosses(s)) violations.add("granted past a cap: " + s);
              }
              if (random.nextInt(4) == 0) {
                ledger.release(r);
              } else {
                BigDecimal actual = want.multiply(BigDecimal.valueOf(random.nextInt(0, 151), 2));
                long actualTokens = tokens * random.nextInt(0, 151) / 100;
                Settlement s = ledger.settle(r, actual, actualTokens);
                if (s.chargedUsd().compareTo(actual.min(want)) != 0
                    || s.chargedTokens() != Math.min(actualTokens, tokens)
                    || s.late()) {
                  violations.add("settlement not clamped to the reservation: " + s);
                }
                charges.add(new Charge(r.scopes(), s.chargedUsd(), s.chargedTokens()));
              }
            }
          });
      return new Run(List.copyOf(violations), List.copyOf(charges));
    }

    /** After a run: nothing is still reserved and no scope is past its hard caps. */
    public void assertNothingOutstandingOrCrossed() {
      for (Spender who : spenders()) {
        for (ScopeStatus s : ledger.status(who)) {
          assertThat(s.reservedUsd()).as("nothing left outstanding").isEqualByComparingTo("0");
          assertThat(s.reservedTokens()).isZero();
          assertThat(crosses(s)).as("settled within the hard cap: %s", s).isFalse();
        }
      }
    }

    /** After a run: each scope's settled totals and calls are the sums of the charges in it. */
    public void assertSettledTotalsAreTheSumOf(List<Charge> charges) {
      Map<ScopeKey, BigDecimal> usd = new HashMap<>();
      Map<ScopeKey, Long> tokens = new HashMap<>();
      Map<ScopeKey, Long> calls = new HashMap<>();
      for (Charge charge : charges) {
        for (ScopeKey k : charge.scopes()) {
          usd.merge(k, charge.usd(), BigDecimal::add);
          tokens.merge(k, charge.tokens(), Long::sum);
          calls.merge(k, 1L, Long::sum);
        }
      }
      for (Spender who : spenders()) {
        for (ScopeStatus s : ledger.status(who)) {
          assertThat(s.settledUsd())
              .as("settled %s", s.scope())
              .isEqualByComparingTo(usd.getOrDefault(s.scope(), BigDecimal.ZERO));
          assertThat(s.settledTokens()).isEqualTo(tokens.getOrDefault(s.scope(), 0L));
          assertThat(s.calls()).isEqualTo(calls.getOrDefault(s.scope(), 0L));
        }
      }
    }

    /** Whether a scope's committed dollars or tokens are past its hard caps. */
    public static boolean crosses(ScopeStatus s) {
      BudgetLimits l = s.limits();
      if (l == null) return false;
      return s.committedUsd().compareTo(l.maxUsd()) > 0
          || (l.maxTokens() > 0 && s.settledTokens() + s.reservedTokens() > l.maxTokens());
    }
  }

  /**
   * The contract for a ledger over a store that outlives the ledger object (a database service): a
   * restart is a new ledger over the same store, and since every operation is a network round trip,
   * the concurrency tests run fewer operations per thread.
   */
  public abstract static class OnSharedStore extends BudgetLedgerContract {

    @Override
    protected BudgetLedger reopen(Clock clock, Duration ttl) {
      return newLedger(clock, ttl);
    }

    @Override
    protected int concurrentOpsPerThread() {
      return 15;
    }
  }
}
