package dev.maestro.core.fairness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The fair-queuing invariants, over random cost sequences. With equal weights and every tenant
 * backlogged, the service (summed cost) two tenants have received since the start differs by at
 * most one max-cost request; over an arbitrary window of admissions the bound is the classic
 * self-clocked fair queuing one, one max-cost request per tenant (two in all). A tenant past its
 * hard cap is never admitted.
 */
class TickAdmissionPropertiesTest {

  static final ContinuationId C = ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057");
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

  @Property(tries = 300)
  void givenEqualWeightsAndBackloggedTenants_whenAdmitted_thenServiceStaysWithinOneMaxCost(
      @ForAll @IntRange(min = 2, max = 6) int tenants,
      @ForAll @IntRange(min = 1, max = 50) int maxCost,
      @ForAll long seed) {
    var random = new SplittableRandom(seed);
    var queue = new TickAdmission(1_000, 0.5, t -> BudgetStanding.WITHIN);
    int perTenant = 60;
    for (int k = 0; k < perTenant; k++) {
      for (int t = 0; t < tenants; t++) {
        queue.offer(new TickRequest(TenantId.of("t" + t), C, 1 + random.nextInt(maxCost), T0));
      }
    }

    // Admit while every tenant is still backlogged, recording cumulative service after each.
    var served = new long[tenants];
    var history = new ArrayList<long[]>();
    history.add(served.clone());
    while (allBacklogged(queue, tenants)) {
      TickRequest r = queue.next().admitted().orElseThrow();
      served[Integer.parseInt(r.tenant().value().substring(1))] += r.costEstimate();
      history.add(served.clone());
    }

    for (long[] s : history) {
      assertThat(spread(s)).as("service since the start").isLessThanOrEqualTo(maxCost);
    }
    for (int i = 0; i < history.size(); i++) {
      for (int j = i + 1; j < history.size(); j++) {
        long[] window = new long[tenants];
        for (int t = 0; t < tenants; t++) window[t] = history.get(j)[t] - history.get(i)[t];
        assertThat(spread(window)).as("service in a window").isLessThanOrEqualTo(2L * maxCost);
      }
    }
  }

  @Property(tries = 300)
  void givenTenantsCrossingTheirHardCap_whenAdmitted_thenNoneIsAdmittedPastIt(
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 9) Integer> ops,
      @ForAll long seed) {
    var random = new SplittableRandom(seed);
    Map<TenantId, BudgetStanding> standings = new HashMap<>();
    var queue =
        TickAdmission.halvingPastSoftCap(50, t -> standings.getOrDefault(t, BudgetStanding.WITHIN));
    BudgetStanding[] all = BudgetStanding.values();
    for (int op : ops) {
      TenantId tenant = TenantId.of("t" + random.nextInt(4));
      if (op < 4) {
        if (queue.pending(tenant) < 50) {
          queue.offer(new TickRequest(tenant, C, 1 + random.nextInt(20), T0));
        }
      } else if (op < 6) {
        standings.put(tenant, all[random.nextInt(all.length)]);
      } else {
        Admission a = queue.next();
        a.admitted()
            .ifPresent(
                r ->
                    assertThat(standings.getOrDefault(r.tenant(), BudgetStanding.WITHIN))
                        .isNotEqualTo(BudgetStanding.PAST_HARD_CAP));
        for (TenantId d : a.deferred()) {
          assertThat(standings.get(d)).isEqualTo(BudgetStanding.PAST_HARD_CAP);
        }
      }
    }
  }

  private static boolean allBacklogged(TickAdmission queue, int tenants) {
    for (int t = 0; t < tenants; t++) if (queue.pending(TenantId.of("t" + t)) == 0) return false;
    return true;
  }

  private static long spread(long[] values) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return max - min;
  }
}
