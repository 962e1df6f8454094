package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.ContinuationRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link dev.maestro.core.substrate.ContinuationStore} records: create (snapshot and spawn
 * together, once), find, forward-only snapshots with fencing, and the recovery scan.
 */
public abstract class ContinuationStoreContract extends SubstrateContract {

  @Test
  void givenANewContinuation_whenCreated_thenItsSnapshotIsFound() {
    var spawned = created(Fixtures.tenant("alpha"));

    assertThat(continuations().find(spawned.tenant(), spawned.id()))
        .contains(spawned.continuation());
  }

  @Test
  void givenANewContinuation_whenCreated_thenItsSpawnEventIsTheWholeLog() {
    var spawned = created(Fixtures.tenant("alpha"));

    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenAnExistingId_whenCreatedAgain_thenConflictAndNeitherSnapshotNorLogChanges() {
    var original = created(Fixtures.tenant("alpha"));
    var impostor =
        Fixtures.spawned(
            original.tenant(), original.id(), later(Duration.ofMinutes(1)), "another objective");

    assertThatThrownBy(() -> continuations().create(impostor.continuation(), impostor.spawn()))
        .isInstanceOf(ConflictException.class);
    assertThat(continuations().find(original.tenant(), original.id()))
        .contains(original.continuation());
    assertThat(log(original.ref())).containsExactly(original.spawn());
  }

  @Test
  void givenASpawnOfAnotherContinuation_whenCreated_thenRejectedAndNothingIsStored() {
    var tenant = Fixtures.tenant("alpha");
    var spawned = Fixtures.spawned(tenant, now);
    var other = Fixtures.spawned(tenant, now);

    assertThatThrownBy(() -> continuations().create(spawned.continuation(), other.spawn()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(continuations().find(tenant, spawned.id())).isEmpty();
    assertThat(continuations().find(tenant, other.id())).isEmpty();
    assertThat(events().read(tenant, spawned.id(), 0, 10)).isEmpty();
    assertThat(events().read(tenant, other.id(), 0, 10)).isEmpty();
  }

  @Test
  void givenNoContinuation_whenFound_thenEmpty() {
    assertThat(continuations().find(Fixtures.tenant("alpha"), Fixtures.newId(now))).isEmpty();
  }

  @Test
  void givenANewerFold_whenSnapshotSaved_thenFindReturnsIt() {
    var spawned = created(Fixtures.tenant("alpha"));
    var tail = Fixtures.following(spawned.spawn(), 0, 3);
    events().append(spawned.tenant(), spawned.id(), 0, tail);
    Continuation newer = Fixtures.folded(spawned.continuation(), tail);

    continuations().saveSnapshot(newer, 0);

    assertThat(continuations().find(spawned.tenant(), spawned.id())).contains(newer);
  }

  @Test
  void givenAStoredSnapshot_whenAnOlderFoldIsSaved_thenItIsIgnored() {
    var spawned = created(Fixtures.tenant("alpha"));
    var tail = Fixtures.following(spawned.spawn(), 0, 3);
    events().append(spawned.tenant(), spawned.id(), 0, tail);
    Continuation older = Fixtures.folded(spawned.continuation(), tail.subList(0, 1));
    Continuation newer = Fixtures.folded(spawned.continuation(), tail);
    continuations().saveSnapshot(newer, 0);

    continuations().saveSnapshot(older, 0);

    assertThat(continuations().find(spawned.tenant(), spawned.id())).contains(newer);
  }

  @Test
  void givenAStoredSnapshot_whenOneWithTheSameLastSequenceIsSaved_thenItIsIgnored() {
    var spawned = created(Fixtures.tenant("alpha"));
    var tail = Fixtures.following(spawned.spawn(), 0, 1);
    events().append(spawned.tenant(), spawned.id(), 0, tail);
    Continuation saved = Fixtures.folded(spawned.continuation(), tail);
    continuations().saveSnapshot(saved, 0);
    var sameSequence =
        Fixtures.folded(
            spawned.continuation(), Fixtures.following(spawned.spawn(), 0, 1, "rewritten"));

    continuations().saveSnapshot(sameSequence, 0);

    assertThat(continuations().find(spawned.tenant(), spawned.id())).contains(saved);
  }

  @Test
  void
      givenALeaseTakenByAnotherWorker_whenASnapshotIsSavedWithTheOldFence_thenFencedAndUnchanged() {
    var spawned = created(Fixtures.tenant("alpha"));
    var first =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-a", Duration.ofSeconds(30), now);
    continuations()
        .acquireLease(
            spawned.tenant(), spawned.id(), "worker-b", Duration.ofSeconds(30), first.expiresAt());
    var tail = Fixtures.following(spawned.spawn(), first.generation(), 1);

    assertThatThrownBy(
            () ->
                continuations()
                    .saveSnapshot(
                        Fixtures.folded(spawned.continuation(), tail), first.generation()))
        .isInstanceOf(FencedException.class);
    assertThat(continuations().find(spawned.tenant(), spawned.id()))
        .contains(spawned.continuation());
  }

  @Test
  void givenNoContinuation_whenSnapshotSaved_thenNotFound() {
    var neverCreated = Fixtures.spawned(Fixtures.tenant("alpha"), now);

    assertThatThrownBy(() -> continuations().saveSnapshot(neverCreated.continuation(), 0))
        .isInstanceOf(NotFoundException.class);
    assertThat(continuations().find(neverCreated.tenant(), neverCreated.id())).isEmpty();
  }

  @Test
  void givenCommittedWrites_whenTheProcessRestarts_thenSnapshotLogAndLeaseAreStillThere() {
    var spawned = created(Fixtures.tenant("alpha"));
    var lease =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-a", Duration.ofSeconds(30), now);
    var tail = Fixtures.following(spawned.spawn(), lease.generation(), 4);
    events().append(spawned.tenant(), spawned.id(), lease.generation(), tail);
    Continuation snapshot = Fixtures.folded(spawned.continuation(), tail);
    continuations().saveSnapshot(snapshot, lease.generation());

    restart();

    assertThat(continuations().find(spawned.tenant(), spawned.id())).contains(snapshot);
    assertThat(hashes(log(spawned.ref())))
        .containsExactlyElementsOf(hashes(concat(List.of(spawned.spawn()), tail)));
    assertThat(continuations().currentLease(spawned.tenant(), spawned.id())).contains(lease);
  }

  @Test
  void
      givenUnfinishedAndFinishedContinuationsOfSeveralTenants_whenScannedInPages_thenEveryUnfinishedOneIsListedOnceInOrder() {
    var tenants =
        List.of(Fixtures.tenant("alpha"), Fixtures.tenant("beta"), Fixtures.tenant("gamma"));
    var unfinished = new ArrayList<ContinuationRef>();
    var finished = new HashSet<ContinuationRef>();
    for (TenantId tenant : tenants) {
      for (int i = 0; i < 3; i++) unfinished.add(created(tenant).ref());
      finished.add(completed(created(tenant)));
    }
    unfinished.sort(REF_ORDER);

    List<ContinuationRef> scanned = scanAll(3, Set.copyOf(tenants));

    assertThat(scanned).containsExactlyElementsOf(unfinished).doesNotContainAnyElementsOf(finished);
  }

  @Test
  void givenAPageLimit_whenScanned_thenNoPageIsLongerAndPagesAscend() {
    var tenant = Fixtures.tenant("alpha");
    for (int i = 0; i < 5; i++) created(tenant);

    ContinuationRef after = null;
    ContinuationRef previous = null;
    for (int pageNo = 0; pageNo < 10_000; pageNo++) {
      List<ContinuationRef> page = continuations().scanUnfinished(after, 2);
      if (page.isEmpty()) return;
      assertThat(page).hasSizeLessThanOrEqualTo(2);
      for (ContinuationRef ref : page) {
        if (previous != null) assertThat(REF_ORDER.compare(previous, ref)).isNegative();
        previous = ref;
      }
      after = page.get(page.size() - 1);
    }
    throw new AssertionError("scanUnfinished never reached an empty page");
  }

  /** Orders refs the way {@code scanUnfinished} pages them: by tenant, then id. */
  static final Comparator<ContinuationRef> REF_ORDER =
      Comparator.comparing((ContinuationRef r) -> r.tenant().value())
          .thenComparing(r -> r.id().value());

  /** Completes {@code spawned} (a terminal event and its snapshot) and returns its ref. */
  private ContinuationRef completed(Fixtures.Spawned spawned) {
    EventEnvelope done = Fixtures.completion(spawned.spawn(), 0);
    events().append(spawned.tenant(), spawned.id(), 0, List.of(done));
    Continuation terminal = Fixtures.folded(spawned.continuation(), List.of(done));
    assertThat(terminal.status()).isEqualTo(Status.COMPLETED);
    continuations().saveSnapshot(terminal, 0);
    return spawned.ref();
  }

  /** Every unfinished ref of {@code tenants}, scanning all pages of size {@code limit}. */
  private List<ContinuationRef> scanAll(int limit, Set<TenantId> tenants) {
    var all = new ArrayList<ContinuationRef>();
    ContinuationRef after = null;
    for (int pageNo = 0; pageNo < 100_000; pageNo++) {
      List<ContinuationRef> page = continuations().scanUnfinished(after, limit);
      if (page.isEmpty()) return all;
      page.stream().filter(ref -> tenants.contains(ref.tenant())).forEach(all::add);
      after = page.get(page.size() - 1);
    }
    throw new AssertionError("scanUnfinished never reached an empty page");
  }

  private static List<EventEnvelope> concat(List<EventEnvelope> a, List<EventEnvelope> b) {
    var all = new ArrayList<EventEnvelope>(a);
    all.addAll(b);
    return all;
  }
}
