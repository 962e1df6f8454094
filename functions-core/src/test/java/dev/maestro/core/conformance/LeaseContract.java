package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.LeaseHeldException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.lease.Lease;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Leases (ADR-0003): acquire bumps the generation, a live lease excludes others, an expired one can
 * be stolen, renew extends only the current lease, release frees it while the generation keeps
 * growing.
 */
public abstract class LeaseContract extends SubstrateContract {

  static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void givenANewContinuation_whenTheLeaseIsFirstAcquired_thenItsGenerationIsOne() {
    var spawned = created(Fixtures.tenant("alpha"));

    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);

    assertThat(lease).isEqualTo(new Lease("worker-a", now.plus(TTL), 1));
  }

  @Test
  void givenALiveLease_whenAnotherWorkerAcquires_thenLeaseHeldWithTheHoldersExpiry() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease held = continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);

    assertThatThrownBy(
            () ->
                continuations()
                    .acquireLease(
                        spawned.tenant(),
                        spawned.id(),
                        "worker-b",
                        TTL,
                        later(Duration.ofSeconds(29))))
        .isInstanceOfSatisfying(
            LeaseHeldException.class, e -> assertThat(e.expiresAt()).isEqualTo(held.expiresAt()));
    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(held);
  }

  @Test
  void givenAnExpiredLease_whenAnotherWorkerAcquires_thenItStealsItWithTheNextGeneration() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease first =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var afterExpiry = first.expiresAt().plusSeconds(1);

    Lease stolen =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, afterExpiry);

    assertThat(stolen)
        .isEqualTo(new Lease("worker-b", afterExpiry.plus(TTL), first.generation() + 1));
  }

  @Test
  void givenALeaseAtTheInstantItExpires_whenAnotherWorkerAcquires_thenItSucceeds() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease first =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);

    Lease next =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, first.expiresAt());

    assertThat(next.generation()).isEqualTo(first.generation() + 1);
  }

  @Test
  void givenALiveLease_whenRenewed_thenItsExpiryMovesAndItsGenerationStays() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var renewalTime = later(Duration.ofSeconds(20));

    Lease renewed =
        continuations().renewLease(spawned.tenant(), spawned.id(), lease, TTL, renewalTime);

    assertThat(renewed).isEqualTo(new Lease("worker-a", renewalTime.plus(TTL), lease.generation()));
    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(renewed);
  }

  @Test
  void givenARenewedLease_whenAnotherWorkerAcquiresAfterTheOriginalExpiry_thenLeaseHeld() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    Lease renewed =
        continuations()
            .renewLease(spawned.tenant(), spawned.id(), lease, TTL, later(Duration.ofSeconds(20)));

    assertThatThrownBy(
            () ->
                continuations()
                    .acquireLease(
                        spawned.tenant(),
                        spawned.id(),
                        "worker-b",
                        TTL,
                        lease.expiresAt().plusSeconds(1)))
        .isInstanceOfSatisfying(
            LeaseHeldException.class,
            e -> assertThat(e.expiresAt()).isEqualTo(renewed.expiresAt()));
  }

  @Test
  void givenAnExpiredLeaseNobodyTook_whenRenewed_thenItIsExtended() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var late = lease.expiresAt().plusSeconds(5);

    Lease renewed = continuations().renewLease(spawned.tenant(), spawned.id(), lease, TTL, late);

    assertThat(renewed).isEqualTo(new Lease("worker-a", late.plus(TTL), lease.generation()));
  }

  @Test
  void givenALeaseStolenByAnotherWorker_whenTheOldHolderRenews_thenFencedAndTheThiefKeepsIt() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease old = continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    Lease thief =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, old.expiresAt());

    assertThatThrownBy(
            () ->
                continuations()
                    .renewLease(
                        spawned.tenant(), spawned.id(), old, TTL, old.expiresAt().plusSeconds(1)))
        .isInstanceOf(FencedException.class);
    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(thief);
  }

  @Test
  void
      givenALeaseStolenBySameNamedHolder_whenTheOldLeaseIsRenewed_thenFencedBecauseTheGenerationDiffers() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease old = continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, old.expiresAt());

    assertThatThrownBy(
            () ->
                continuations()
                    .renewLease(
                        spawned.tenant(), spawned.id(), old, TTL, old.expiresAt().plusSeconds(1)))
        .isInstanceOf(FencedException.class);
  }

  @Test
  void givenAReleasedLease_whenAnotherWorkerAcquiresAtOnce_thenItGetsTheNextGeneration() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    continuations().releaseLease(spawned.tenant(), spawned.id(), lease);

    Lease next = continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, now);

    assertThat(next).isEqualTo(new Lease("worker-b", now.plus(TTL), lease.generation() + 1));
  }

  @Test
  void givenAReleasedLease_whenTheCurrentLeaseIsRead_thenItKeepsTheGenerationAndIsNotLive() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);

    continuations().releaseLease(spawned.tenant(), spawned.id(), lease);

    assertThat(continuations().currentLease(spawned.tenant(), spawned.id()))
        .hasValueSatisfying(
            current -> {
              assertThat(current.generation()).isEqualTo(lease.generation());
              assertThat(current.isLiveAt(now)).isFalse();
            });
  }

  @Test
  void givenALeaseStolenByAnotherWorker_whenTheOldHolderReleases_thenNothingHappens() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease old = continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    Lease thief =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, old.expiresAt());

    continuations().releaseLease(spawned.tenant(), spawned.id(), old);

    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(thief);
    assertThatThrownBy(
            () ->
                continuations()
                    .acquireLease(
                        spawned.tenant(),
                        spawned.id(),
                        "worker-c",
                        TTL,
                        old.expiresAt().plusSeconds(1)))
        .isInstanceOf(LeaseHeldException.class);
  }

  @Test
  void givenManyAcquireReleaseRounds_whenAcquiredAgain_thenTheGenerationCountsEveryAcquisition() {
    var spawned = created(Fixtures.tenant("alpha"));
    for (int round = 1; round <= 5; round++) {
      Lease lease =
          continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-" + round, TTL, now);
      assertThat(lease.generation()).isEqualTo(round);
      continuations().releaseLease(spawned.tenant(), spawned.id(), lease);
    }
  }

  @Test
  void givenANewContinuation_whenTheCurrentLeaseIsRead_thenEmpty() {
    var spawned = created(Fixtures.tenant("alpha"));

    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).isEmpty();
  }

  @Test
  void givenAnExpiredLease_whenTheCurrentLeaseIsRead_thenItIsStillReported() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);

    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(lease);
    assertThat(lease.isLiveAt(lease.expiresAt())).isFalse();
  }

  @Test
  void givenNoContinuation_whenTheLeaseIsAcquired_thenNotFound() {
    var tenant = Fixtures.tenant("alpha");
    var id = Fixtures.newId(now);

    assertThatThrownBy(() -> continuations().acquireLease(tenant, id, "worker-a", TTL, now))
        .isInstanceOf(NotFoundException.class);
    assertThat(continuations().currentLease(tenant, id)).isEmpty();
  }
}
