package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventType;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import dev.maestro.core.time.ManualClock;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.local.store.SqliteSubstrate;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick protocol against the real embedded store, with wakes delivered by hand and a hand clock.
 */
class TickEngineTest {

  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());

  @TempDir Path dir;
  private SqliteSubstrate store;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private ContinuationService service;

  @BeforeEach
  void open() {
    store = SqliteSubstrate.open(dir.resolve("tick.db"));
    service = new ContinuationService(store.substrate(), clock, new SecureRandom());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private TickEngine engine(String holder, Recipe... extra) {
    var recipes = new java.util.ArrayList<Recipe>(List.of(new NoopRecipe()));
    recipes.addAll(List.of(extra));
    return new TickEngine(
        store.substrate(),
        Recipes.of(recipes.toArray(Recipe[]::new)),
        clock,
        holder,
        TTL,
        Observability.NONE,
        new SecureRandom());
  }

  private ContinuationRef create(String recipe, String sleep) {
    var params = JsonNodeFactory.instance.objectNode().put("sleep", sleep);
    var goal = GoalFrame.of("test", BudgetLimits.ofUsd(BigDecimal.ONE, 0), recipe, params);
    Continuation c = service.create(ALICE, goal, null).continuation();
    return new ContinuationRef(c.tenant(), c.id());
  }

  private Continuation state(ContinuationRef ref) {
    return service.get(ALICE, ref.id()).continuation();
  }

  private List<EventType> types(ContinuationRef ref) {
    return service.events(ALICE, ref.id(), 0, 1000).stream().map(EventEnvelope::type).toList();
  }

  private Wake start() {
    return Wake.timer(ContinuationService.START_TIMER, clock.instant());
  }

  @Test
  void givenANewContinuation_whenItsStartWakeIsDelivered_thenItSleepsAndRegistersItsTimer() {
    ContinuationRef ref = create("noop", "PT30S");

    TickOutcome outcome = engine("w1").deliver(ref, start());

    assertThat(outcome).isInstanceOf(TickOutcome.Applied.class);
    Continuation c = state(ref);
    assertThat(c.status()).isEqualTo(Status.SLEEPING);
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE, EventType.SLEEP);
    var timer = (WakeCondition.Timer) c.wakeCondition();
    assertThat(timer.at()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(store.timers().pending(ref.tenant(), ref.id()))
        .extracting(w -> w.wake().id())
        .contains(timer.timerId());
  }

  @Test
  void givenASleepingContinuation_whenItsTimerFires_thenItCompletesWithAnIntactChain() {
    ContinuationRef ref = create("noop", "PT30S");
    TickEngine engine = engine("w1");
    engine.deliver(ref, start());
    var timer = (WakeCondition.Timer) state(ref).wakeCondition();
    clock.advance(Duration.ofSeconds(30));

    engine.deliver(ref, Wake.timer(timer.timerId(), timer.at()));

    assertThat(state(ref).status()).isEqualTo(Status.COMPLETED);
    assertThat(state(ref).result().path("ticks").asInt()).isEqualTo(2);
    List<EventEnvelope> events = service.events(ALICE, ref.id(), 0, 1000);
    assertThat(events)
        .extracting(EventEnvelope::type)
        .containsExactly(
            EventType.SPAWN, EventType.WAKE, EventType.SLEEP, EventType.WAKE, EventType.COMPLETE);
    assertThat(EventChain.firstDefect(events)).isEmpty();
    assertThat(events).extracting(EventEnvelope::generation).containsExactly(0L, 1L, 1L, 2L, 2L);
  }

  @Test
  void givenAWakeAlreadyApplied_whenItIsDeliveredAgain_thenNothingIsAppended() {
    ContinuationRef ref = create("noop", "PT30S");
    TickEngine engine = engine("w1");
    engine.deliver(ref, start());
    long before = state(ref).lastSequence();

    TickOutcome again = engine.deliver(ref, start());

    assertThat(again).isInstanceOf(TickOutcome.Ignored.class);
    assertThat(state(ref).lastSequence()).isEqualTo(before);
  }

  @Test
  void givenASleepingContinuation_whenATimerItDoesNotWaitForFires_thenItIsIgnored() {
    ContinuationRef ref = create("noop", "PT30S");
    TickEngine engine = engine("w1");
    engine.deliver(ref, start());

    TickOutcome outcome = engine.deliver(ref, Wake.timer("timer-999", clock.instant()));

    assertThat(outcome).isInstanceOf(TickOutcome.Ignored.class);
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  void givenASleepingContinuation_whenAKillSignalArrives_thenItIsKilledAndItsTimerCancelled() {
    ContinuationRef ref = create("noop", "PT30S");
    TickEngine engine = engine("w1");
    engine.deliver(ref, start());
    var timer = (WakeCondition.Timer) state(ref).wakeCondition();

    engine.deliver(
        ref,
        Wake.signal(
            "sig-1",
            "kill",
            clock.instant(),
            TickEngine.signalPayload(
                "alice", JsonNodeFactory.instance.objectNode().put("reason", "enough"))));

    assertThat(state(ref).status()).isEqualTo(Status.KILLED);
    assertThat(types(ref)).endsWith(EventType.HUMAN_SIGNAL, EventType.KILL);
    assertThat(store.timers().pending(ref.tenant(), ref.id()))
        .extracting(w -> w.wake().id())
        .doesNotContain(timer.timerId());
  }

  @Test
  void givenASleepingContinuation_whenAnApproveSignalArrives_thenItIsRecordedAndItKeepsSleeping() {
    ContinuationRef ref = create("noop", "PT30S");
    TickEngine engine = engine("w1");
    engine.deliver(ref, start());
    Wake approve =
        Wake.signal("sig-2", "approve", clock.instant(), TickEngine.signalPayload("alice", null));

    engine.deliver(ref, approve);
    TickOutcome duplicate = engine.deliver(ref, approve);

    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
    assertThat(types(ref)).endsWith(EventType.SLEEP, EventType.HUMAN_SIGNAL);
    assertThat(duplicate).isInstanceOf(TickOutcome.Ignored.class);
  }

  @Test
  void givenAContinuationWaitingForApproval_whenApproved_thenTheStepRuns() {
    Recipe waitForApproval =
        new Recipe() {
          @Override
          public String name() {
            return "await-approval";
          }

          @Override
          public StepResult step(StepContext ctx) {
            if (ctx.wake().kind() == dev.maestro.core.wake.WakeKind.SIGNAL) {
              return new StepResult.Complete(
                  JsonNodeFactory.instance
                      .objectNode()
                      .put("approvedBy", ctx.wake().payload().path("by").asText()),
                  null);
            }
            return new StepResult.Sleep(
                new WakeCondition.AnyOf(
                    List.of(
                        new WakeCondition.Signal(Set.of("approve")),
                        ctx.timerAt(ctx.now().plus(Duration.ofDays(1))))),
                "awaiting approval",
                null);
          }
        };
    ContinuationRef ref = create("await-approval", "PT1S");
    TickEngine engine = engine("w1", waitForApproval);
    engine.deliver(ref, start());
    assertThat(state(ref).status()).isEqualTo(Status.WAITING);
    String timeout = state(ref).wakeCondition().timer().orElseThrow().timerId();

    engine.deliver(
        ref,
        Wake.signal("sig-3", "approve", clock.instant(), TickEngine.signalPayload("bob", null)));

    Continuation c = state(ref);
    assertThat(c.status()).isEqualTo(Status.COMPLETED);
    assertThat(c.result().path("approvedBy").asText()).isEqualTo("bob");
    assertThat(types(ref))
        .containsExactly(
            EventType.SPAWN,
            EventType.WAKE,
            EventType.SLEEP,
            EventType.WAKE,
            EventType.HUMAN_SIGNAL,
            EventType.COMPLETE);
    assertThat(store.timers().pending(ref.tenant(), ref.id()))
        .extracting(w -> w.wake().id())
        .doesNotContain(timeout);
  }

  @Test
  void givenTheLeaseIsHeldByAnotherWorker_whenAWakeArrives_thenItIsRetriedAtTheLeaseExpiry() {
    ContinuationRef ref = create("noop", "PT30S");
    var held =
        store
            .substrate()
            .continuations()
            .acquireLease(ref.tenant(), ref.id(), "other", TTL, clock.instant());

    TickOutcome outcome = engine("w1").deliver(ref, start());

    assertThat(outcome)
        .isEqualTo(new TickOutcome.Retry(held.expiresAt(), "lease held until " + held.expiresAt()));
    assertThat(types(ref)).containsExactly(EventType.SPAWN);
  }

  @Test
  void
      givenAWorkerDiedMidStep_whenTheWakeIsRedelivered_thenTheStepResumesWithoutASecondWakeEvent() {
    var crashOnce = new AtomicBoolean(true);
    Recipe fragile =
        new Recipe() {
          @Override
          public String name() {
            return "fragile";
          }

          @Override
          public StepResult step(StepContext ctx) {
            if (crashOnce.getAndSet(false)) throw new OutOfMemoryError("simulated worker death");
            return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
          }
        };
    ContinuationRef ref = create("fragile", "PT1S");
    try {
      engine("w1", fragile).deliver(ref, start());
    } catch (OutOfMemoryError expected) {
      // the worker "died" after appending its wake event
    }
    assertThat(state(ref).status()).isEqualTo(Status.RUNNING);

    TickOutcome outcome = engine("w2", fragile).deliver(ref, start());

    assertThat(outcome).isInstanceOf(TickOutcome.Applied.class);
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE, EventType.COMPLETE);
  }

  @Test
  void givenAnInterruptedTick_whenReconciled_thenItsResumptionIsScheduled() {
    ContinuationRef ref = create("noop", "PT1S");
    var lease =
        store
            .substrate()
            .continuations()
            .acquireLease(ref.tenant(), ref.id(), "dead", TTL, clock.instant());
    store.timers().acknowledge(store.timers().pending(ref.tenant(), ref.id()).get(0));
    var spawn = service.events(ALICE, ref.id(), 0, 1).get(0);
    var wake =
        EventEnvelope.seal(
            ref.id(),
            ref.tenant(),
            lease.generation(),
            2,
            clock.instant(),
            "0".repeat(32),
            "0".repeat(16),
            dev.maestro.core.event.Runtime.MAESTRO,
            new dev.maestro.core.event.EventPayload.Woken(
                "start",
                dev.maestro.core.wake.WakeKind.TIMER,
                "start",
                JsonNodeFactory.instance.objectNode()),
            spawn.hash());
    store.substrate().events().append(ref.tenant(), ref.id(), lease.generation(), List.of(wake));

    engine("w1").reconcile(ref);

    List<ScheduledWake> pending = store.timers().pending(ref.tenant(), ref.id());
    assertThat(pending)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.wake().id()).isEqualTo("start");
              assertThat(w.dueAt()).isEqualTo(lease.expiresAt());
            });
  }

  @Test
  void givenAnUnknownRecipe_whenTicked_thenTheContinuationFails() {
    ContinuationRef ref = create("no-such-recipe", "PT1S");

    engine("w1").deliver(ref, start());

    assertThat(state(ref).status()).isEqualTo(Status.FAILED);
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE, EventType.ERROR);
  }

  @Test
  void givenAnotherTenantsId_whenDelivered_thenNothingHappens() {
    ContinuationRef ref = create("noop", "PT1S");
    var foreign = new ContinuationRef(TenantId.of("evil"), ref.id());

    TickOutcome outcome = engine("w1").deliver(foreign, start());

    assertThat(outcome).isInstanceOf(TickOutcome.Ignored.class);
    assertThat(types(ref)).containsExactly(EventType.SPAWN);
  }
}
