package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.error.FencedException;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.AppendResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fencing (BRIEF §6, ADR-0003): once another worker holds a newer lease generation, a zombie with
 * the old generation can write nothing, not even a retry of what it wrote before.
 */
public abstract class FencingContract extends SubstrateContract {

  static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void givenALeaseTakenOver_whenTheZombieAppendsWithItsOldFence_thenFencedAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease zombie =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    continuations()
        .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, zombie.expiresAt());
    var late = Fixtures.following(spawned.spawn(), zombie.generation(), 2);

    assertThatThrownBy(
            () -> events().append(spawned.tenant(), spawned.id(), zombie.generation(), late))
        .isInstanceOf(FencedException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenALeaseTakenOver_whenTheNewHolderAppends_thenItsEventsAreWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease zombie =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    Lease holder =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, zombie.expiresAt());
    var tail = Fixtures.following(spawned.spawn(), holder.generation(), 2);

    AppendResult result =
        events().append(spawned.tenant(), spawned.id(), holder.generation(), tail);

    assertThat(result.appended()).isEqualTo(2);
    assertThat(log(spawned.ref()))
        .extracting(EventEnvelope::generation)
        .containsExactly(0L, 2L, 2L);
  }

  @Test
  void givenAZombieThatWroteBeforeTheTakeover_whenItRetriesTheSameEvents_thenFenced() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease zombie =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var written = Fixtures.following(spawned.spawn(), zombie.generation(), 2);
    events().append(spawned.tenant(), spawned.id(), zombie.generation(), written);
    continuations()
        .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, zombie.expiresAt());

    assertThatThrownBy(
            () -> events().append(spawned.tenant(), spawned.id(), zombie.generation(), written))
        .isInstanceOf(FencedException.class);
    assertThat(log(spawned.ref())).hasSize(3);
  }

  @Test
  void
      givenAZombieAndANewHolder_whenBothAppendInTurn_thenOnlyTheNewHoldersEventsFollowAndTheChainIsIntact() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease zombie =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var before = Fixtures.following(spawned.spawn(), zombie.generation(), 1, "zombie-before");
    events().append(spawned.tenant(), spawned.id(), zombie.generation(), before);
    Lease holder =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, zombie.expiresAt());

    var holderEvents = Fixtures.following(before.get(0), holder.generation(), 2, "holder");
    events().append(spawned.tenant(), spawned.id(), holder.generation(), holderEvents);
    var zombieEvents =
        Fixtures.following(holderEvents.get(1), zombie.generation(), 1, "zombie-after");

    assertThatThrownBy(
            () ->
                events().append(spawned.tenant(), spawned.id(), zombie.generation(), zombieEvents))
        .isInstanceOf(FencedException.class);
    List<EventEnvelope> all = log(spawned.ref());
    assertThat(all).extracting(EventEnvelope::generation).containsExactly(0L, 1L, 2L, 2L);
    assertThat(EventChain.firstDefect(all)).isEmpty();
  }

  @Test
  void givenAStolenLease_whenTheZombieSavesASnapshot_thenFenced() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease zombie =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var tail = Fixtures.following(spawned.spawn(), zombie.generation(), 1);
    events().append(spawned.tenant(), spawned.id(), zombie.generation(), tail);
    continuations()
        .acquireLease(spawned.tenant(), spawned.id(), "worker-b", TTL, zombie.expiresAt());

    assertThatThrownBy(
            () ->
                continuations()
                    .saveSnapshot(
                        Fixtures.folded(spawned.continuation(), tail), zombie.generation()))
        .isInstanceOf(FencedException.class);
    assertThat(continuations().find(spawned.tenant(), spawned.id()))
        .contains(spawned.continuation());
  }

  @Test
  void givenTheCurrentHolder_whenItSavesASnapshotWithItsFence_thenItIsStored() {
    var spawned = created(Fixtures.tenant("alpha"));
    Lease lease =
        continuations().acquireLease(spawned.tenant(), spawned.id(), "worker-a", TTL, now);
    var tail = Fixtures.following(spawned.spawn(), lease.generation(), 1);
    events().append(spawned.tenant(), spawned.id(), lease.generation(), tail);
    var snapshot = Fixtures.folded(spawned.continuation(), tail);

    continuations().saveSnapshot(snapshot, lease.generation());

    assertThat(continuations().find(spawned.tenant(), spawned.id())).contains(snapshot);
  }
}
