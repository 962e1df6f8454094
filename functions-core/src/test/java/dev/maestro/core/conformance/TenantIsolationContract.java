package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.IdempotencyStore.Claim;
import dev.maestro.core.substrate.ScheduledWake;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation at the store layer (BRIEF §3.5): tenant B, even knowing tenant A's continuation
 * id, can neither see nor change anything of A's. To B, A's continuation is simply absent.
 */
public abstract class TenantIsolationContract extends SubstrateContract {

  static final Duration TTL = Duration.ofSeconds(30);

  /** Tenant A's continuation, created before each test. */
  protected Fixtures.Spawned ofA;

  /** The intruding tenant. */
  protected TenantId tenantB;

  /** Gives tenant A a continuation with a three-event log, and names an intruder B. */
  @BeforeEach
  protected final void createTenantAsContinuation() {
    ofA = created(Fixtures.tenant("alpha"));
    events().append(ofA.tenant(), ofA.id(), 0, Fixtures.following(ofA.spawn(), 0, 2));
    tenantB = Fixtures.tenant("beta");
  }

  @Test
  void givenAsContinuation_whenBFindsItsId_thenAbsent() {
    assertThat(continuations().find(tenantB, ofA.id())).isEmpty();
  }

  @Test
  void givenAsContinuation_whenBReadsItsEvents_thenEmpty() {
    assertThat(events().read(tenantB, ofA.id(), 0, 100)).isEmpty();
  }

  @Test
  void givenAsContinuation_whenBAppendsToItsId_thenNotFoundAndAsLogIsUnchanged() {
    List<EventEnvelope> before = log(ofA.ref());
    var asB =
        EventEnvelope.seal(
            ofA.id(),
            tenantB,
            0,
            4,
            now,
            "trace",
            "span",
            Runtime.MAESTRO,
            Fixtures.note("intruder", 0),
            before.get(before.size() - 1).hash());

    assertThatThrownBy(() -> events().append(tenantB, ofA.id(), 0, List.of(asB)))
        .isInstanceOf(NotFoundException.class);
    assertThat(log(ofA.ref())).containsExactlyElementsOf(before);
  }

  @Test
  void givenAsContinuation_whenBAcquiresItsLease_thenNotFoundAndALeaseIsStillFree() {
    assertThatThrownBy(() -> continuations().acquireLease(tenantB, ofA.id(), "intruder", TTL, now))
        .isInstanceOf(NotFoundException.class);
    assertThat(continuations().currentLease(ofA.tenant(), ofA.id())).isEmpty();
    assertThat(
            continuations().acquireLease(ofA.tenant(), ofA.id(), "worker-a", TTL, now).generation())
        .isEqualTo(1);
  }

  @Test
  void givenAsLease_whenBReadsTheCurrentLease_thenAbsent() {
    continuations().acquireLease(ofA.tenant(), ofA.id(), "worker-a", TTL, now);

    assertThat(continuations().currentLease(tenantB, ofA.id())).isEmpty();
  }

  @Test
  void givenAsLease_whenBRenewsIt_thenRejectedAndAsLeaseIsUnchanged() {
    Lease held = continuations().acquireLease(ofA.tenant(), ofA.id(), "worker-a", TTL, now);

    assertThatThrownBy(
            () ->
                continuations()
                    .renewLease(tenantB, ofA.id(), held, TTL, later(Duration.ofSeconds(10))))
        .isInstanceOfAny(NotFoundException.class, FencedException.class);
    assertThat(continuations().currentLease(ofA.tenant(), ofA.id())).contains(held);
  }

  @Test
  void givenAsLease_whenBReleasesIt_thenItStaysHeld() {
    Lease held = continuations().acquireLease(ofA.tenant(), ofA.id(), "worker-a", TTL, now);

    continuations().releaseLease(tenantB, ofA.id(), held);

    assertThat(continuations().currentLease(ofA.tenant(), ofA.id())).contains(held);
  }

  @Test
  void givenAsContinuation_whenBSavesASnapshotUnderItsId_thenNotFoundAndAsSnapshotIsUnchanged() {
    var asB = Fixtures.spawned(tenantB, ofA.id(), now, "hijacked objective");
    var newer = Fixtures.folded(asB.continuation(), Fixtures.following(asB.spawn(), 0, 5));

    assertThatThrownBy(() -> continuations().saveSnapshot(newer, 0))
        .isInstanceOf(NotFoundException.class);
    assertThat(continuations().find(ofA.tenant(), ofA.id())).contains(ofA.continuation());
  }

  @Test
  void givenAsContinuation_whenBCreatesOneWithTheSameId_thenBothExistSeparately() {
    var asB = Fixtures.spawned(tenantB, ofA.id(), now, "B's own objective");

    continuations().create(asB.continuation(), asB.spawn());

    assertThat(continuations().find(tenantB, ofA.id())).contains(asB.continuation());
    assertThat(continuations().find(ofA.tenant(), ofA.id())).contains(ofA.continuation());
    assertThat(log(asB.ref())).containsExactly(asB.spawn());
    assertThat(log(ofA.ref())).hasSize(3);
  }

  @Test
  void givenAsTimer_whenBCancelsItUnderAsId_thenFalseAndItIsStillPending() {
    ScheduledWake wake =
        Fixtures.timer(ofA.tenant(), ofA.id(), "nap", later(Duration.ofMinutes(5)));
    scheduler().register(wake);

    assertThat(scheduler().cancel(tenantB, ofA.id(), "nap")).isFalse();
    assertThat(scheduler().pending(ofA.tenant(), ofA.id())).containsExactly(wake);
  }

  @Test
  void givenAsTimer_whenBListsPendingWakesOfAsId_thenEmpty() {
    scheduler()
        .register(Fixtures.timer(ofA.tenant(), ofA.id(), "nap", later(Duration.ofMinutes(5))));

    assertThat(scheduler().pending(tenantB, ofA.id())).isEmpty();
  }

  @Test
  void givenAsTimer_whenBRegistersTheSameKeyForItself_thenAsTimerIsUnchanged() {
    ScheduledWake wake =
        Fixtures.timer(ofA.tenant(), ofA.id(), "nap", later(Duration.ofMinutes(5)));
    scheduler().register(wake);

    scheduler().register(Fixtures.timer(tenantB, ofA.id(), "nap", later(Duration.ofMinutes(50))));

    assertThat(scheduler().pending(ofA.tenant(), ofA.id())).containsExactly(wake);
  }

  @Test
  void givenAsIdempotencyClaim_whenBClaimsTheSameKey_thenBWinsItsOwnClaimAndNeverSeesAs() {
    Claim ofAClaim = Fixtures.claim("shared-key", "fp-a", ofA.id().value(), now);
    idempotency().claim(ofA.tenant(), ofAClaim);
    Claim ofBClaim = Fixtures.claim("shared-key", "fp-b", "resource-of-b", now);

    assertThat(idempotency().claim(tenantB, ofBClaim)).isEqualTo(ofBClaim);
    assertThat(idempotency().claim(ofA.tenant(), Fixtures.claim("shared-key", "fp-x", "x", now)))
        .isEqualTo(ofAClaim);
  }

  @Test
  void givenContinuationsOfTwoTenants_whenEachReadsItsOwn_thenEachSeesOnlyItsOwnLog() {
    ContinuationId idOfB = created(tenantB).id();

    assertThat(log(ofA.ref())).allSatisfy(e -> assertThat(e.tenant()).isEqualTo(ofA.tenant()));
    assertThat(events().read(tenantB, idOfB, 0, 100))
        .singleElement()
        .satisfies(e -> assertThat(e.tenant()).isEqualTo(tenantB));
    assertThat(events().read(ofA.tenant(), idOfB, 0, 100)).isEmpty();
  }
}
