package dev.maestro.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.conformance.BudgetLedgerContract.SpendRace;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Real threads racing on one in-memory ledger (the conformance kit's {@link SpendRace}): three
 * continuations in two lineage trees of one tenant, each thread reserving, then settling (sometimes
 * above the reservation) or releasing, at random, over many generated caps.
 */
class ConcurrentSpendPropertiesTest {

  static final TenantId TENANT = TenantId.of("acme");
  static final ContinuationId A = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000a");
  static final ContinuationId B = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000b");
  static final ContinuationId C = ContinuationId.of("0190f0a0-0000-7000-8000-00000000000c");

  static SpendRace race(int contCents, int treeCents, int dayCents, int tokenCap) {
    var ledger =
        new InMemoryBudgetLedger(
            new ManualClock(Instant.parse("2026-11-23T12:00:00Z")), Duration.ofHours(1));
    var race = new SpendRace(ledger, TENANT, A, B, C, 8, 150, 400, 500);
    race.limit(contCents, treeCents, dayCents, tokenCap);
    return race;
  }

  @Property(tries = 40)
  void concurrentSpendersNeverCrossAHardCap(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 300) int contCents,
      @ForAll @IntRange(min = 0, max = 500) int treeCents,
      @ForAll @IntRange(min = 0, max = 700) int dayCents,
      @ForAll @IntRange(min = 0, max = 20_000) int tokenCap)
      throws Exception {
    SpendRace race = race(contCents, treeCents, dayCents, tokenCap);

    SpendRace.Run run = race.run(seed);

    assertThat(run.violations()).isEmpty();
    race.assertNothingOutstandingOrCrossed();
  }

  @Property(tries = 25)
  void settledTotalsAreTheSumOfTheClampedCharges(
      @ForAll long seed,
      @ForAll @IntRange(min = 50, max = 300) int contCents,
      @ForAll @IntRange(min = 50, max = 500) int treeCents)
      throws Exception {
    SpendRace race = race(contCents, treeCents, 1_000, 0);

    SpendRace.Run run = race.run(seed);

    race.assertSettledTotalsAreTheSumOf(run.charges());
  }
}
