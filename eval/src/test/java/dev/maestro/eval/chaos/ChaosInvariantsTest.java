package dev.maestro.eval.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The checker is not vacuous: a clean two-step log passes, and each kind of damage a faulty engine
 * or store could do (a duplicated effect, a wake run twice, a lost wake, a broken chain, a stale
 * snapshot, overspend, a fenced writer's event) is reported.
 */
class ChaosInvariantsTest {

  private static final TenantId TENANT = TenantId.of("chaos");
  private static final ContinuationId ID =
      ContinuationId.of("01900000-0000-7000-8000-000000000001");
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final BigDecimal CENT = new BigDecimal("0.01");
  private static final WorkloadPlan PLAN =
      new WorkloadPlan(2, List.of("timer"), List.of(5, 5), CENT, WorkloadPlan.Ending.DONE, 0);

  /** Seals payloads into a chained log, each with its generation. */
  private static final class LogBuilder {
    final List<EventEnvelope> events = new ArrayList<>();

    LogBuilder add(long generation, EventPayload payload) {
      String prev = events.isEmpty() ? EventEnvelope.GENESIS : events.get(events.size() - 1).hash();
      events.add(
          EventEnvelope.seal(
              ID,
              TENANT,
              generation,
              events.size() + 1,
              T0.plusSeconds(events.size()),
              ID.traceId(),
              "0000000000000001",
              Runtime.MAESTRO,
              payload,
              prev));
      return this;
    }
  }

  private static ObjectNode steps(int n) {
    return JsonNodeFactory.instance.objectNode().put("steps", n);
  }

  private static EventPayload woken(String id) {
    return new EventPayload.Woken(id, WakeKind.TIMER, id, JsonNodeFactory.instance.objectNode());
  }

  private static EventPayload marker(String id) {
    return new EventPayload.ToolCall(
        id,
        ChaosRecipe.MARKER_TOOL,
        JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(),
        true);
  }

  private static EventPayload charge(String id) {
    return new EventPayload.BudgetCharged(id, CENT, 1, 1, ChaosRecipe.PRICE_TABLE);
  }

  private static LogBuilder firstStep() {
    var goal = GoalFrame.of("t", PLAN.limits(), ChaosRecipe.NAME, PLAN.parameters());
    return new LogBuilder()
        .add(
            0,
            new EventPayload.Spawn(
                goal,
                Lineage.root(ID),
                JsonNodeFactory.instance.objectNode(),
                new WakeCondition.Timer("start", T0)))
        .add(1, woken("start"))
        .add(1, marker("start"))
        .add(1, charge("start"))
        .add(
            1,
            new EventPayload.Slept(
                new WakeCondition.Timer("timer-5", T0.plusSeconds(5)), "sleep", steps(1)));
  }

  private static LogBuilder complete(LogBuilder b, long generation) {
    return b.add(
        generation,
        new EventPayload.Completed(
            JsonNodeFactory.instance.objectNode().put("reason", "done").put("steps", 2), steps(2)));
  }

  private static LogBuilder clean() {
    LogBuilder b =
        firstStep().add(2, woken("timer-5")).add(2, marker("timer-5")).add(2, charge("timer-5"));
    return complete(b, 2);
  }

  private static List<String> check(List<EventEnvelope> log) {
    return ChaosInvariants.check(
        PLAN, log, Optional.of(ContinuationFold.fold(log)), Optional.of(ledger("0.02")));
  }

  private static BudgetLedger.ScopeStatus ledger(String settled) {
    return new BudgetLedger.ScopeStatus(
        ScopeKey.continuation(ID),
        PLAN.limits(),
        new BigDecimal(settled),
        0,
        2,
        BigDecimal.ZERO,
        0);
  }

  @Test
  void givenACleanLog_whenChecked_thenNothingIsReported() {
    assertThat(check(clean().events)).isEmpty();
  }

  @Test
  void givenAStepWhoseEffectIsLoggedTwice_whenChecked_thenTheDuplicateIsReported() {
    LogBuilder b =
        firstStep()
            .add(2, woken("timer-5"))
            .add(2, marker("timer-5"))
            .add(2, marker("timer-5"))
            .add(2, charge("timer-5"));
    assertThat(check(complete(b, 2).events))
        .anyMatch(v -> v.contains("wake timer-5 has 2 marker effects"));
  }

  @Test
  void givenAWakeRunTwice_whenChecked_thenTheWakeIdIsReported() {
    LogBuilder b =
        firstStep()
            .add(2, woken("start"))
            .add(2, marker("start"))
            .add(
                2,
                new EventPayload.Slept(
                    new WakeCondition.Signal(java.util.Set.of()), "w", steps(2)));
    assertThat(check(b.events)).anyMatch(v -> v.contains("wake id start is in two wake events"));
  }

  @Test
  void givenAContinuationLeftWaiting_whenChecked_thenTheLostWakeIsReported() {
    assertThat(check(firstStep().events))
        .anyMatch(v -> v.contains("expected COMPLETED (done) after 2 steps, got SLEEPING"));
  }

  @Test
  void givenAnAlteredEvent_whenChecked_thenTheChainDefectIsReported() {
    List<EventEnvelope> log = new ArrayList<>(clean().events);
    EventEnvelope third = log.get(2);
    log.set(
        2,
        new EventEnvelope(
            third.continuationId(),
            third.tenant(),
            third.generation(),
            third.sequence(),
            third.type(),
            third.timestamp(),
            third.traceId(),
            third.spanId(),
            third.runtime(),
            marker("forged"),
            third.prevHash(),
            third.hash()));
    assertThat(check(log)).singleElement().asString().startsWith("hash chain:");
  }

  @Test
  void givenASnapshotBehindTheLog_whenChecked_thenTheDifferenceIsReported() {
    List<EventEnvelope> log = clean().events;
    Continuation stale = ContinuationFold.fold(log.subList(0, 5));
    assertThat(ChaosInvariants.check(PLAN, log, Optional.of(stale), Optional.of(ledger("0.02"))))
        .anyMatch(v -> v.startsWith("the stored snapshot (sequence 5, SLEEPING) differs"));
  }

  @Test
  void givenLoggedChargesTheLedgerNeverSettled_whenChecked_thenTheSpendIsReported() {
    assertThat(
            ChaosInvariants.check(
                PLAN,
                clean().events,
                Optional.of(ContinuationFold.fold(clean().events)),
                Optional.of(ledger("0.01"))))
        .anyMatch(v -> v.contains("the ledger settled only $0.01"));
  }

  @Test
  void givenAnEventFromAnOlderGeneration_whenChecked_thenTheFencedWriterIsReported() {
    LogBuilder b =
        firstStep().add(2, woken("timer-5")).add(2, marker("timer-5")).add(1, charge("timer-5"));
    assertThat(check(complete(b, 2).events))
        .anyMatch(v -> v.contains("carries generation 1 after generation 2"));
  }
}
