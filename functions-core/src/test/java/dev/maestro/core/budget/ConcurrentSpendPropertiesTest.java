package dev.maestro.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Real threads racing on one ledger: three continuations in two lineage trees of one tenant, each
 * thread reserving, then settling (sometimes above the reservation) or releasing, at random.
 */
class ConcurrentSpendPropertiesTest {

  static final int THREADS = 8;
  static final int OPS = 150;
  static final TenantId TENANT = TenantId.of("acme");
  static final ContinuationId A = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000a");
  static final ContinuationId B = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000b");
  static final ContinuationId C = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000c");
  static final List<Spender> SPENDERS =
      List.of(new Spender(A, A, TENANT), new Spender(B, A, TENANT), new Spender(C, C, TENANT));

  static ExecutorService pool;

  @BeforeContainer
  static void startThreads() {
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterContainer
  static void stopThreads() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  record Charge(List<ScopeKey> scopes, BigDecimal usd, long tokens) {}

  /** Everything one run observed: violations seen mid-run and every settlement's charge. */
  record Run(InMemoryBudgetLedger ledger, List<String> violations, List<Charge> charges) {}

  static BigDecimal cents(int cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  Run race(long seed, int contCents, int treeCents, int dayCents, int tokenCap) throws Exception {
    var ledger =
        new InMemoryBudgetLedger(
            new ManualClock(Instant.parse("2026-11-23T12:00:00Z")), Duration.ofHours(1));
    for (ContinuationId c : List.of(A, B, C)) {
      ledger.limitContinuation(c, BudgetLimits.ofUsd(cents(contCents), tokenCap));
    }
    ledger.limitTree(A, BudgetLimits.ofUsd(cents(treeCents), 0));
    ledger.limitTree(C, BudgetLimits.ofUsd(cents(treeCents), 0));
    ledger.limitTenantDaily(TENANT, BudgetLimits.ofUsd(cents(dayCents), 0));

    var violations = new ConcurrentLinkedQueue<String>();
    var charges = new ConcurrentLinkedQueue<Charge>();
    var start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      var random = new SplittableRandom(seed + t);
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < OPS; i++) {
                  Spender who = SPENDERS.get(random.nextInt(SPENDERS.size()));
                  BigDecimal want = BigDecimal.valueOf(random.nextInt(0, 400), 3);
                  long tokens = random.nextInt(0, 500);
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
                    // Up to 50% above the reservation, to exercise the clamp.
                    BigDecimal actual =
                        want.multiply(BigDecimal.valueOf(random.nextInt(0, 151), 2));
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
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    return new Run(ledger, List.copyOf(violations), List.copyOf(charges));
  }

  static boolean crosses(ScopeStatus s) {
    BudgetLimits l = s.limits();
    if (l == null) return false;
    return s.committedUsd().compareTo(l.maxUsd()) > 0
        || (l.maxTokens() > 0 && s.settledTokens() + s.reservedTokens() > l.maxTokens());
  }

  @Property(tries = 40)
  void concurrentSpendersNeverCrossAHardCap(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 300) int contCents,
      @ForAll @IntRange(min = 0, max = 500) int treeCents,
      @ForAll @IntRange(min = 0, max = 700) int dayCents,
      @ForAll @IntRange(min = 0, max = 20_000) int tokenCap)
      throws Exception {
    Run run = race(seed, contCents, treeCents, dayCents, tokenCap);

    assertThat(run.violations()).isEmpty();
    for (Spender who : SPENDERS) {
      for (ScopeStatus s : run.ledger().status(who)) {
        assertThat(s.reservedUsd()).as("nothing left outstanding").isEqualByComparingTo("0");
        assertThat(crosses(s)).as("settled within the hard cap: %s", s).isFalse();
      }
    }
  }

  @Property(tries = 25)
  void settledTotalsAreTheSumOfTheClampedCharges(
      @ForAll long seed,
      @ForAll @IntRange(min = 50, max = 300) int contCents,
      @ForAll @IntRange(min = 50, max = 500) int treeCents)
      throws Exception {
    Run run = race(seed, contCents, treeCents, 1_000, 0);

    Map<ScopeKey, BigDecimal> usd = new HashMap<>();
    Map<ScopeKey, Long> tokens = new HashMap<>();
    Map<ScopeKey, Long> calls = new HashMap<>();
    for (Charge c : run.charges()) {
      for (ScopeKey k : c.scopes()) {
        usd.merge(k, c.usd(), BigDecimal::add);
        tokens.merge(k, c.tokens(), Long::sum);
        calls.merge(k, 1L, Long::sum);
      }
    }
    for (Spender who : SPENDERS) {
      for (ScopeStatus s : run.ledger().status(who)) {
        assertThat(s.settledUsd())
            .isEqualByComparingTo(usd.getOrDefault(s.scope(), BigDecimal.ZERO));
        assertThat(s.settledTokens()).isEqualTo(tokens.getOrDefault(s.scope(), 0L));
        assertThat(s.calls()).isEqualTo(calls.getOrDefault(s.scope(), 0L));
      }
    }
  }
}
