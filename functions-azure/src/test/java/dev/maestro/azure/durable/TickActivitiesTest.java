package dev.maestro.azure.durable;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the {@code tick} activity reports to the orchestration for each state a tick can leave, and
 * the JSON that crosses the activity boundary. Delivery itself is {@link TickEngine#deliver},
 * covered by the core's tests; no store is involved here.
 */
class TickActivitiesTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Continuation SPAWNED =
      Fixtures.spawned(Fixtures.tenant("acme"), NOW).continuation();

  @Test
  void aSleepReportsItsTimerAndNoEvents() {
    Instant at = NOW.plusSeconds(300);
    var result =
        report(
            new TickOutcome.Applied(Status.SLEEPING, 4),
            state(Status.SLEEPING, new WakeCondition.Timer("timer-1", at), null));
    assertThat(result)
        .isEqualTo(
            TickActivityResult.waiting(
                "SLEEPING",
                new TickActivityResult.Timer("timer-1", at),
                false,
                "applied, now SLEEPING"));
  }

  @Test
  void aSignalWithATimeoutReportsTheTimerAndEvents() {
    Instant at = NOW.plusSeconds(600);
    var condition =
        new WakeCondition.AnyOf(
            List.of(new WakeCondition.Signal(Set.of("approve")), new WakeCondition.Timer("t", at)));
    var result =
        report(new TickOutcome.Applied(Status.WAITING, 4), state(Status.WAITING, condition, null));
    assertThat(result.terminal()).isFalse();
    assertThat(result.nextTimer()).isEqualTo(new TickActivityResult.Timer("t", at));
    assertThat(result.waitsForEvents()).isTrue();
    assertThat(result.retryAt()).isNull();
  }

  @Test
  void aStreamWaitWithoutTimeoutReportsEventsOnly() {
    var result =
        report(
            new TickOutcome.Ignored("duplicate wake w"),
            state(Status.WAITING, new WakeCondition.Stream("prices", null), null));
    assertThat(result.nextTimer()).isNull();
    assertThat(result.waitsForEvents()).isTrue();
    assertThat(result.note()).isEqualTo("ignored: duplicate wake w");
  }

  @Test
  void anEndedContinuationEndsTheOrchestration() {
    var killed =
        report(new TickOutcome.Applied(Status.KILLED, 9), state(Status.KILLED, null, null));
    assertThat(killed).isEqualTo(TickActivityResult.ended("KILLED", "applied, now KILLED"));
    var missing = TickActivities.report(new TickOutcome.Ignored("no"), Optional.empty(), NOW);
    assertThat(missing.terminal()).isTrue();
    assertThat(missing.status()).isEqualTo(TickActivities.NOT_FOUND);
  }

  @Test
  void aHeldLeaseAsksForTheSameWakeAgainAtItsRetryTime() {
    Instant notBefore = NOW.plusSeconds(30);
    var result =
        report(
            new TickOutcome.Retry(notBefore, "lease held"),
            state(Status.SLEEPING, new WakeCondition.Timer("timer-1", NOW), null));
    assertThat(result.retryAt()).isEqualTo(notBefore);
    assertThat(result.terminal()).isFalse();
  }

  @Test
  void aTickInFlightElsewhereIsLookedAtAgainAfterTheRecheckInterval() {
    var result = report(new TickOutcome.Fenced(3), state(Status.RUNNING, null, "timer-1"));
    assertThat(result.retryAt()).isEqualTo(NOW.plus(TickActivities.RECHECK));
  }

  @Test
  void withoutAWakeTheActivityOnlyReadsTheState() {
    Supplier<TickEngine> noEngine =
        () -> {
          throw new AssertionError("no wake, so no delivery");
        };
    var activities =
        new TickActivities(noEngine, ref -> Optional.of(SPAWNED), Clock.fixed(NOW, ZoneOffset.UTC));
    String out =
        activities.tickJson(
            new TickActivityInput(SPAWNED.tenant().value(), SPAWNED.id().value(), null).toJson());
    TickActivityResult result = TickActivityResult.fromJson(out);
    assertThat(result.status()).isEqualTo(SPAWNED.status().name());
    assertThat(result.nextTimer())
        .isEqualTo(new TickActivityResult.Timer("first-" + SPAWNED.id().value(), NOW));
    assertThat(result.note()).isEqualTo("state read");
  }

  @Test
  void activityAndOrchestrationPayloadsSurviveTheirJson() {
    Wake signal =
        Wake.signal(
            "signal-1",
            "redirect",
            NOW.plusNanos(123_000),
            JsonNodeFactory.instance.objectNode().put("by", "ana"));
    var input = new TickActivityInput("acme", "c-1", signal);
    assertThat(TickActivityInput.fromJson(input.toJson())).isEqualTo(input);

    var result =
        new TickActivityResult(
            "WAITING", false, new TickActivityResult.Timer("t", NOW), true, NOW, "note");
    assertThat(TickActivityResult.fromJson(result.toJson())).isEqualTo(result);

    var orchestration = new OrchestrationInput("acme", "c-1", List.of(signal), 7, 3);
    assertThat(OrchestrationInput.fromJson(orchestration.toJson())).isEqualTo(orchestration);
    assertThat(OrchestrationInput.start("acme", "c-1", null).ticksPerExecution())
        .isEqualTo(OrchestrationInput.DEFAULT_TICKS_PER_EXECUTION);
  }

  private static TickActivityResult report(TickOutcome outcome, Continuation state) {
    return TickActivities.report(outcome, Optional.of(state), NOW);
  }

  private static Continuation state(Status status, WakeCondition condition, String currentWakeId) {
    Continuation c = SPAWNED;
    return new Continuation(
        c.id(),
        c.tenant(),
        c.goalFrame(),
        status,
        c.generation(),
        c.lastSequence(),
        c.lastHash(),
        c.budget(),
        condition,
        c.lineage(),
        c.workingState(),
        c.result(),
        currentWakeId,
        c.recentWakeIds(),
        c.createdAt(),
        c.updatedAt());
  }
}
