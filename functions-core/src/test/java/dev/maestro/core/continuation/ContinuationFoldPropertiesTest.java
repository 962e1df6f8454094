package dev.maestro.core.continuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.budget.Spend;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Tampering;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of state = fold(events), over arbitrary valid logs ({@link EventLogs}): a snapshot is
 * only a cache of the fold, wherever it was taken and however it was stored, and the log it came
 * from is tamper-evident.
 */
class ContinuationFoldPropertiesTest {

  @Provide
  Arbitrary<List<EventEnvelope>> logs() {
    return EventLogs.logs();
  }

  @Provide
  Arbitrary<List<EventEnvelope>> endedLogs() {
    return EventLogs.endedLogs();
  }

  @Provide
  Arbitrary<EventPayload> followUps() {
    return EventLogs.followUps();
  }

  @Provide
  Arbitrary<EventPayload> nonBookkeepingFollowUps() {
    return EventLogs.nonBookkeepingFollowUps();
  }

  /** A store's round trip: the snapshot as JSON text and back. */
  private static Continuation stored(Continuation snapshot) {
    return Json.read(Json.write(snapshot), Continuation.class);
  }

  /** A store's round trip of the log. */
  private static List<EventEnvelope> stored(List<EventEnvelope> log) {
    return log.stream().map(e -> Json.read(Json.write(e), EventEnvelope.class)).toList();
  }

  @Property(tries = 500) // folds every split point: quadratic in the log length
  @Label("(a) folding a stored snapshot of any prefix onto the rest equals folding the whole log")
  void
      givenAnySplitPoint_whenAStoredSnapshotOfThePrefixIsFoldedOntoTheRest_thenTheStateEqualsTheFullFold(
          @ForAll("logs") List<EventEnvelope> log) {
    Continuation whole = ContinuationFold.fold(log);

    for (int split = 1; split <= log.size(); split++) {
      Continuation snapshot = stored(ContinuationFold.fold(log.subList(0, split)));
      Continuation resumed = ContinuationFold.foldOnto(snapshot, log.subList(split, log.size()));
      assertThat(resumed).as("split after event %d of %d", split, log.size()).isEqualTo(whole);
    }
  }

  @Property
  @Label("(b) replaying the stored log rebuilds a deleted snapshot exactly")
  void givenAStoredSnapshot_whenItIsDeletedAndRebuiltFromTheStoredLog_thenTheRebuildEqualsIt(
      @ForAll("logs") List<EventEnvelope> log) {
    Continuation snapshot = stored(ContinuationFold.fold(log));

    Continuation rebuilt = ContinuationFold.fold(stored(log));

    assertThat(rebuilt).isEqualTo(snapshot);
    assertThat(Json.write(rebuilt)).isEqualTo(Json.write(snapshot));
  }

  /** Also checks that the generated logs reach every status, so that the other properties do. */
  @Property
  @Label("(c) the fold records the last sequence, the last hash and the highest generation")
  void givenALog_whenFolded_thenLastSequenceLastHashAndGenerationDescribeTheLog(
      @ForAll("logs") List<EventEnvelope> log) {
    Continuation state = ContinuationFold.fold(log);
    Statistics.label("status").collect(state.status());
    Statistics.label("events")
        .collect(log.size() <= 10 ? "1-10" : log.size() <= 25 ? "11-25" : "26+");

    assertThat(state.lastSequence()).isEqualTo(log.size());
    assertThat(state.lastHash()).isEqualTo(log.getLast().hash());
    assertThat(state.generation())
        .isEqualTo(log.stream().mapToLong(EventEnvelope::generation).max().orElseThrow());
    assertThat(state.updatedAt()).isEqualTo(log.getLast().timestamp());
    assertThat(state.createdAt()).isEqualTo(log.getFirst().timestamp());
    Statistics.label("status")
        .coverage(
            coverage -> {
              for (Status status : Status.values()) {
                coverage.check(status).percentage(p -> p >= 0.5);
              }
            });
  }

  @Property(tries = 500) // folds every split point: quadratic in the log length
  @Label("(d) spend is the sum of the budget charges, wherever the log was split")
  void givenALog_whenFoldedAtAnySplit_thenSpendIsTheSumOfTheBudgetCharges(
      @ForAll("logs") List<EventEnvelope> log) {
    List<EventPayload.BudgetCharged> charges = EventLogs.charges(log);
    var expected =
        new Spend(
            charges.stream()
                .map(EventPayload.BudgetCharged::usd)
                .reduce(BigDecimal.ZERO, BigDecimal::add),
            charges.stream().mapToLong(EventPayload.BudgetCharged::tokensIn).sum(),
            charges.stream().mapToLong(EventPayload.BudgetCharged::tokensOut).sum(),
            charges.size());

    for (int split = 1; split <= log.size(); split++) {
      Continuation snapshot = stored(ContinuationFold.fold(log.subList(0, split)));
      Spend spent =
          ContinuationFold.foldOnto(snapshot, log.subList(split, log.size())).budget().spent();
      assertThat(spent).as("split after event %d", split).isEqualTo(expected);
    }
  }

  @Property
  @Label("(e) no event but lineage bookkeeping can be folded after a terminal one")
  void givenAnEndedLog_whenAnyFurtherEventIsFolded_thenTheFoldRefusesIt(
      @ForAll("endedLogs") List<EventEnvelope> log,
      @ForAll("nonBookkeepingFollowUps") EventPayload payload) {
    Continuation ended = ContinuationFold.fold(log);
    EventEnvelope further = EventLogs.next(log, payload);

    assertThat(ended.status().isTerminal()).isTrue();
    assertThatThrownBy(() -> ContinuationFold.apply(ended, further))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no event may follow a " + ended.status());
    assertThatThrownBy(() -> ContinuationFold.apply(stored(ended), further))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no event may follow a " + ended.status());
  }

  @Property
  @Label("(f) the hash chain verifies, before and after storage")
  void givenALog_whenItsChainIsVerified_thenThereIsNoDefect(
      @ForAll("logs") List<EventEnvelope> log) {
    assertThat(EventChain.firstDefect(log)).isEmpty();
    assertThat(EventChain.firstDefect(stored(log))).isEmpty();
  }

  @Property
  @Label("(f) any single-field edit of any stored event is detected")
  void givenAStoredLog_whenOneFieldOfOneEventIsEdited_thenTheChainReportsADefect(
      @ForAll("logs") List<EventEnvelope> log,
      @ForAll @IntRange(min = 0, max = 10_000) int whichEvent,
      @ForAll @IntRange(min = 0, max = 10_000) int whichField) {
    int index = whichEvent % log.size();
    List<Tampering.Tamper> tampers = Tampering.everySingleFieldTamper(log.get(index));
    Tampering.Tamper tamper = tampers.get(whichField % tampers.size());
    var edited = new ArrayList<>(stored(log));
    edited.set(index, Json.read(tamper.json(), EventEnvelope.class));

    assertThat(EventChain.firstDefect(edited))
        .as("%s of event %d", tamper.field(), index + 1)
        .isPresent();
  }
}
