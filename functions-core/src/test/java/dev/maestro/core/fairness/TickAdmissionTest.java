package dev.maestro.core.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickAdmissionTest {

  static final TenantId A = TenantId.of("alpha");
  static final TenantId B = TenantId.of("beta");
  static final ContinuationId C = ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057");
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

  private final Map<TenantId, BudgetStanding> standings = new HashMap<>();
  private final TickAdmission queue =
      TickAdmission.halvingPastSoftCap(100, t -> standings.getOrDefault(t, BudgetStanding.WITHIN));

  static TickRequest tick(TenantId tenant, long cost) {
    return new TickRequest(tenant, C, cost, T0);
  }

  private List<String> drain(int n) {
    var order = new ArrayList<String>();
    for (int i = 0; i < n; i++) order.add(queue.next().admitted().orElseThrow().tenant().value());
    return order;
  }

  @Test
  void givenNothingPending_whenNext_thenNothingIsAdmitted() {
    Admission a = queue.next();

    assertThat(a.admitted()).isEmpty();
    assertThat(a.deferred()).isEmpty();
  }

  @Test
  void givenEqualWeights_whenOneTenantFloodsFirst_thenTheOtherIsNotStarved() {
    for (int i = 0; i < 10; i++) queue.offer(tick(A, 10));
    for (int i = 0; i < 3; i++) queue.offer(tick(B, 10));

    assertThat(drain(6)).containsExactly("alpha", "beta", "alpha", "beta", "alpha", "beta");
  }

  @Test
  void givenWeightTwo_whenBothBacklogged_thenItGetsTwiceTheService() {
    queue.weight(B, 2.0);
    for (int i = 0; i < 20; i++) {
      queue.offer(tick(A, 10));
      queue.offer(tick(B, 10));
    }

    List<String> first9 = drain(9);

    assertThat(first9.stream().filter("beta"::equals).count()).isEqualTo(6);
    assertThat(first9.stream().filter("alpha"::equals).count()).isEqualTo(3);
  }

  @Test
  void givenCheapAndCostlyRequests_whenBacklogged_thenServiceIsSharedByCostNotByCount() {
    for (int i = 0; i < 20; i++) {
      queue.offer(tick(A, 1));
      queue.offer(tick(B, 4));
    }

    List<String> first10 = drain(10);

    assertThat(first10.stream().filter("alpha"::equals).count()).isEqualTo(8);
    assertThat(first10.stream().filter("beta"::equals).count()).isEqualTo(2);
  }

  @Test
  void givenEqualFinishTimes_whenNext_thenArrivalOrderBreaksTheTie() {
    queue.offer(tick(B, 5));
    queue.offer(tick(A, 5));

    assertThat(drain(2)).containsExactly("beta", "alpha");
  }

  @Test
  void givenAFullTenantQueue_whenOffered_thenTheRejectionNamesTheTenant() {
    var small = TickAdmission.halvingPastSoftCap(2, t -> BudgetStanding.WITHIN);
    small.offer(tick(A, 1));
    small.offer(tick(A, 1));
    small.offer(tick(B, 1));

    assertThatThrownBy(() -> small.offer(tick(A, 1)))
        .isInstanceOf(TenantQueueFullException.class)
        .hasMessageContaining("alpha")
        .satisfies(e -> assertThat(((TenantQueueFullException) e).tenant()).isEqualTo(A));
    assertThat(small.pending(A)).isEqualTo(2);
    assertThat(small.pending()).isEqualTo(3);
  }

  @Test
  void givenATenantPastItsSoftCap_whenBacklogged_thenItsWeightIsHalved() {
    standings.put(A, BudgetStanding.PAST_SOFT_CAP);
    for (int i = 0; i < 20; i++) {
      queue.offer(tick(A, 10));
      queue.offer(tick(B, 10));
    }

    List<String> first9 = drain(9);

    assertThat(first9.stream().filter("alpha"::equals).count()).isEqualTo(3);
    assertThat(first9.stream().filter("beta"::equals).count()).isEqualTo(6);
  }

  @Test
  void givenATenantPastItsHardCap_whenNext_thenItIsDeferredAndReportedUntilItRecovers() {
    standings.put(A, BudgetStanding.PAST_HARD_CAP);
    queue.offer(tick(A, 1));
    queue.offer(tick(B, 10));

    Admission first = queue.next();
    Admission second = queue.next();

    assertThat(first.admitted().orElseThrow().tenant()).isEqualTo(B);
    assertThat(first.deferred()).containsExactly(A);
    assertThat(second.admitted()).isEmpty();
    assertThat(second.deferred()).containsExactly(A);
    assertThat(queue.pending(A)).isEqualTo(1);

    standings.put(A, BudgetStanding.WITHIN);
    assertThat(queue.next().admitted().orElseThrow().tenant()).isEqualTo(A);
  }

  @Test
  void givenInvalidArguments_whenBuilt_thenTheyAreRejected() {
    assertThatThrownBy(() -> tick(A, 0)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> new TickAdmission(0, 0.5, t -> BudgetStanding.WITHIN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TickAdmission(1, 0, t -> BudgetStanding.WITHIN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> queue.weight(A, -1)).hasMessageContaining("alpha");
  }
}
