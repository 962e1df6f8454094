package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.AppendResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link dev.maestro.core.substrate.EventLog}: atomic, idempotent appends (BRIEF §4) and range
 * reads. Every rejected append leaves the log exactly as it was.
 */
public abstract class EventLogContract extends SubstrateContract {

  // ---- appending -------------------------------------------------------------------------------

  @Test
  void givenASpawnedContinuation_whenABatchIsAppended_thenEveryEventIsWrittenInOrder() {
    var spawned = created(Fixtures.tenant("alpha"));
    var batch = Fixtures.following(spawned.spawn(), 0, 3);

    AppendResult result = events().append(spawned.tenant(), spawned.id(), 0, batch);

    assertThat(result).isEqualTo(new AppendResult(3, 0, 4));
    assertThat(log(spawned.ref())).containsExactlyElementsOf(withSpawn(spawned, batch));
  }

  @Test
  void
      givenAnAppendedBatch_whenTheSameBatchIsAppendedAgain_thenItIsADuplicateAndTheLogIsUnchanged() {
    var spawned = created(Fixtures.tenant("alpha"));
    var batch = Fixtures.following(spawned.spawn(), 0, 3);
    events().append(spawned.tenant(), spawned.id(), 0, batch);

    AppendResult retry = events().append(spawned.tenant(), spawned.id(), 0, batch);

    assertThat(retry.wasDuplicate()).isTrue();
    assertThat(retry).isEqualTo(new AppendResult(0, 3, 4));
    assertThat(log(spawned.ref())).containsExactlyElementsOf(withSpawn(spawned, batch));
  }

  @Test
  void givenALongerLog_whenAnOldBatchIsRetried_thenItIsADuplicateReportingTheLogsLastSequence() {
    var spawned = created(Fixtures.tenant("alpha"));
    var first = Fixtures.following(spawned.spawn(), 0, 2);
    events().append(spawned.tenant(), spawned.id(), 0, first);
    events()
        .append(
            spawned.tenant(), spawned.id(), 0, Fixtures.following(first.get(1), 0, 2, "second"));

    AppendResult retry = events().append(spawned.tenant(), spawned.id(), 0, first);

    assertThat(retry).isEqualTo(new AppendResult(0, 2, 5));
    assertThat(log(spawned.ref())).hasSize(5);
  }

  @Test
  void givenATakenSequence_whenADifferentEventIsAppendedThere_thenConflictAndTheLogIsUnchanged() {
    var spawned = created(Fixtures.tenant("alpha"));
    var stored = Fixtures.following(spawned.spawn(), 0, 2, "stored");
    events().append(spawned.tenant(), spawned.id(), 0, stored);
    var rival = Fixtures.following(spawned.spawn(), 0, 1, "rival");

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, rival))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactlyElementsOf(withSpawn(spawned, stored));
  }

  @Test
  void givenALog_whenABatchLeavesAGap_thenConflictAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var chain = Fixtures.following(spawned.spawn(), 0, 3);

    assertThatThrownBy(
            () -> events().append(spawned.tenant(), spawned.id(), 0, chain.subList(1, 3)))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenALog_whenABatchLinksToTheLastHashButSkipsASequence_thenConflictAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var skipping =
        EventEnvelope.seal(
            spawned.id(),
            spawned.tenant(),
            0,
            3,
            now,
            "trace",
            "span",
            Runtime.MAESTRO,
            Fixtures.note("skipping", 0),
            spawned.spawn().hash());

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, List.of(skipping)))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenALog_whenTheFirstNewEventDoesNotLinkToTheLastHash_thenConflictAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var unlinked =
        EventEnvelope.seal(
            spawned.id(),
            spawned.tenant(),
            0,
            2,
            now,
            "trace",
            "span",
            Runtime.MAESTRO,
            Fixtures.note("unlinked", 0),
            "f".repeat(64));

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, List.of(unlinked)))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenABatch_whenALinkInsideItIsBroken_thenConflictAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var first = Fixtures.next(spawned.spawn(), 0, Fixtures.note("linked", 0));
    var unlinked =
        EventEnvelope.seal(
            spawned.id(),
            spawned.tenant(),
            0,
            3,
            now,
            "trace",
            "span",
            Runtime.MAESTRO,
            Fixtures.note("unlinked", 1),
            spawned.spawn().hash());

    assertThatThrownBy(
            () -> events().append(spawned.tenant(), spawned.id(), 0, List.of(first, unlinked)))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenAStoredPrefix_whenABatchRetriesItWithNewEvents_thenOnlyTheNewOnesAreAppended() {
    var spawned = created(Fixtures.tenant("alpha"));
    var chain = Fixtures.following(spawned.spawn(), 0, 5);
    events().append(spawned.tenant(), spawned.id(), 0, chain.subList(0, 2));

    AppendResult result = events().append(spawned.tenant(), spawned.id(), 0, chain);

    assertThat(result).isEqualTo(new AppendResult(3, 2, 6));
    assertThat(log(spawned.ref())).containsExactlyElementsOf(withSpawn(spawned, chain));
  }

  @Test
  void
      givenAStoredPrefix_whenABatchOverlapsItWithADifferentEvent_thenConflictAndNoNewEventIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var stored = Fixtures.following(spawned.spawn(), 0, 2, "stored");
    events().append(spawned.tenant(), spawned.id(), 0, stored);
    var rival = Fixtures.following(spawned.spawn(), 0, 4, "rival");

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, rival))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactlyElementsOf(withSpawn(spawned, stored));
  }

  @Test
  void givenAnEmptyBatch_whenAppended_thenRejectedAsMalformed() {
    var spawned = created(Fixtures.tenant("alpha"));

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenABatchMixingContinuations_whenAppended_thenRejectedAsMalformedAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var other = created(spawned.tenant());
    var mixed =
        List.of(
            Fixtures.next(spawned.spawn(), 0, Fixtures.note("mine", 0)),
            Fixtures.next(other.spawn(), 0, Fixtures.note("theirs", 0)));

    assertThatThrownBy(() -> events().append(spawned.tenant(), spawned.id(), 0, mixed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
    assertThat(log(other.ref())).containsExactly(other.spawn());
  }

  @Test
  void
      givenABatchWithNonContiguousSequences_whenAppended_thenRejectedAsMalformedAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var chain = Fixtures.following(spawned.spawn(), 0, 3);

    assertThatThrownBy(
            () ->
                events()
                    .append(spawned.tenant(), spawned.id(), 0, List.of(chain.get(0), chain.get(2))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void
      givenABatchWhoseGenerationIsNotTheFence_whenAppended_thenRejectedAsMalformedAndNothingIsWritten() {
    var spawned = created(Fixtures.tenant("alpha"));
    var lease =
        continuations()
            .acquireLease(spawned.tenant(), spawned.id(), "worker-a", LeaseContract.TTL, now);
    var batch = Fixtures.following(spawned.spawn(), 0, 2);

    assertThatThrownBy(
            () -> events().append(spawned.tenant(), spawned.id(), lease.generation(), batch))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenNoContinuation_whenAppended_thenNotFoundAndNothingIsWritten() {
    var neverCreated = Fixtures.spawned(Fixtures.tenant("alpha"), now);
    var batch = Fixtures.following(neverCreated.spawn(), 0, 1);

    assertThatThrownBy(() -> events().append(neverCreated.tenant(), neverCreated.id(), 0, batch))
        .isInstanceOf(NotFoundException.class);
    assertThat(events().read(neverCreated.tenant(), neverCreated.id(), 0, 10)).isEmpty();
  }

  @Test
  void givenAppendedEvents_whenReadBack_thenTheyEqualWhatWasAppendedAndTheirHashesVerify() {
    var spawned = created(Fixtures.tenant("alpha"));
    var batch = Fixtures.following(spawned.spawn(), 0, 3);
    events().append(spawned.tenant(), spawned.id(), 0, batch);

    List<EventEnvelope> read = log(spawned.ref());

    assertThat(read).containsExactlyElementsOf(withSpawn(spawned, batch));
    assertThat(read).allSatisfy(e -> assertThat(e.hashIsValid()).isTrue());
  }

  // ---- range reads -----------------------------------------------------------------------------

  @Test
  void givenALog_whenReadFromTheStart_thenEveryEventComesInOrder() {
    var spawned = created(Fixtures.tenant("alpha"));
    var batch = Fixtures.following(spawned.spawn(), 0, 9);
    events().append(spawned.tenant(), spawned.id(), 0, batch);

    List<EventEnvelope> read = events().read(spawned.tenant(), spawned.id(), 0, 100);

    assertThat(read)
        .extracting(EventEnvelope::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void givenALog_whenReadAfterASequenceWithALimit_thenOnlyThatWindowComes() {
    var spawned = created(Fixtures.tenant("alpha"));
    events().append(spawned.tenant(), spawned.id(), 0, Fixtures.following(spawned.spawn(), 0, 9));

    List<EventEnvelope> window = events().read(spawned.tenant(), spawned.id(), 3, 4);

    assertThat(window).extracting(EventEnvelope::sequence).containsExactly(4L, 5L, 6L, 7L);
  }

  @Test
  void givenALog_whenReadInPages_thenThePagesConcatenateToTheWholeChainWhichVerifies() {
    var spawned = created(Fixtures.tenant("alpha"));
    var all = new ArrayList<EventEnvelope>(List.of(spawned.spawn()));
    for (int batch = 0; batch < 5; batch++) {
      var next = Fixtures.following(all.get(all.size() - 1), 0, 5, "batch-" + batch);
      events().append(spawned.tenant(), spawned.id(), 0, next);
      all.addAll(next);
    }

    var paged = new ArrayList<EventEnvelope>();
    long after = 0;
    for (List<EventEnvelope> page = events().read(spawned.tenant(), spawned.id(), after, 7);
        !page.isEmpty();
        page = events().read(spawned.tenant(), spawned.id(), after, 7)) {
      assertThat(page).hasSizeLessThanOrEqualTo(7);
      paged.addAll(page);
      after = page.get(page.size() - 1).sequence();
    }

    assertThat(hashes(paged)).containsExactlyElementsOf(hashes(all));
    assertThat(EventChain.firstDefect(paged)).isEmpty();
  }

  @Test
  void givenALog_whenReadAfterItsLastSequence_thenEmpty() {
    var spawned = created(Fixtures.tenant("alpha"));
    events().append(spawned.tenant(), spawned.id(), 0, Fixtures.following(spawned.spawn(), 0, 2));

    assertThat(events().read(spawned.tenant(), spawned.id(), 3, 10)).isEmpty();
  }

  @Test
  void givenNoContinuation_whenRead_thenEmpty() {
    assertThat(events().read(Fixtures.tenant("alpha"), Fixtures.newId(now), 0, 10)).isEmpty();
  }

  private static List<EventEnvelope> withSpawn(Fixtures.Spawned spawned, List<EventEnvelope> tail) {
    var all = new ArrayList<EventEnvelope>(List.of(spawned.spawn()));
    all.addAll(tail);
    return all;
  }
}
