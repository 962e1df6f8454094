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
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.Claim;
import dev.maestro.core.tick.ClaimResult;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Persisted;
import dev.maestro.core.tick.Recipes;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick's phases run one at a time, as separate processes run them (a Step Functions execution
 * invoking one function per state), against the real embedded store: each phase re-reads what the
 * previous one wrote, and the result is the tick {@link TickEngine#deliver} runs in one go.
 */
class TickPhasesTest {

  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());

  @TempDir Path dir;
  private SqliteSubstrate store;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private ContinuationService service;

  @BeforeEach
  void open() {
    store = SqliteSubstrate.open(dir.resolve("phases.db"));
    service = new ContinuationService(store.substrate(), clock, new SecureRandom());
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A fresh engine per phase: nothing is carried in memory from one phase to the next. */
  private TickEngine engine(String holder) {
    return new TickEngine(
        store.substrate(),
        Recipes.of(new NoopRecipe()),
        clock,
        holder,
        TTL,
        Observability.NONE,
        new SecureRandom());
  }

  private ContinuationRef create(String sleep) {
    var params = JsonNodeFactory.instance.objectNode().put("sleep", sleep);
    var goal = GoalFrame.of("test", BudgetLimits.ofUsd(BigDecimal.ONE, 0), "noop", params);
    Continuation c = service.create(ALICE, goal, null).continuation();
    return new ContinuationRef(c.tenant(), c.id());
  }

  private Continuation state(ContinuationRef ref) {
    return service.get(ALICE, ref.id()).continuation();
  }

  private List<EventEnvelope> events(ContinuationRef ref) {
    return service.events(ALICE, ref.id(), 0, 1000);
  }

  private List<EventType> types(ContinuationRef ref) {
    return events(ref).stream().map(EventEnvelope::type).toList();
  }

  private boolean leaseIsLive(ContinuationRef ref) {
    return store
        .substrate()
        .continuations()
        .currentLease(ref.tenant(), ref.id())
        .filter(l -> l.isLiveAt(clock.instant()))
        .isPresent();
  }

  private Wake start() {
    return Wake.timer(ContinuationService.START_TIMER, clock.instant());
  }

  /** Claims {@code wake}, passing the claim through JSON as a state machine does. */
  private Claim claim(ContinuationRef ref, Wake wake) throws Exception {
    ClaimResult result = engine("claim").claim(ref, wake);
    assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
    Claim claim = ((ClaimResult.Claimed) result).claim();
    String json = Json.mapper().writeValueAsString(claim);
    return Json.mapper().readValue(json, Claim.class);
  }

  @Test
  void givenAStartWake_whenThePhasesRunOneByOne_thenTheTickMatchesADeliveredOne() throws Exception {
    ContinuationRef ref = create("PT30S");

    Claim claim = claim(ref, start());
    assertThat(state(ref).status()).isEqualTo(Status.RUNNING);
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE);

    assertThat(engine("step").step(claim)).isInstanceOf(TickOutcome.Applied.class);
    Persisted persisted = engine("persist").persist(claim);
    engine("release").release(claim);

    assertThat(persisted.status()).isEqualTo(Status.SLEEPING);
    var timer = (WakeCondition.Timer) state(ref).wakeCondition();
    assertThat(persisted.nextTimer()).isPresent();
    assertThat(persisted.nextTimer().get().dueAt()).isEqualTo(timer.at());
    assertThat(persisted.nextTimer().get().wake().id()).isEqualTo(timer.timerId());
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE, EventType.SLEEP);
    assertThat(state(ref).lastSequence()).isEqualTo(persisted.lastSequence());
    assertThat(leaseIsLive(ref)).isFalse();
    // persist leaves registering to the caller
    assertThat(store.timers().pending(ref.tenant(), ref.id()))
        .noneMatch(w -> w.wake().id().equals(timer.timerId()));
    // one continuation, one trace: the spawn and every tick carry the id's 128 bits
    List<EventEnvelope> log = events(ref);
    assertThat(log)
        .extracting(EventEnvelope::traceId)
        .containsOnly(ref.id().value().replace("-", ""));
    assertThat(claim.traceId()).isEqualTo(ref.id().traceId());
    assertThat(EventChain.firstDefect(log)).isEmpty();
  }

  @Test
  void givenAStepThatAlreadyRan_whenTheStepPhaseIsRetried_thenNothingIsAppendedTwice()
      throws Exception {
    ContinuationRef ref = create("PT30S");
    Claim claim = claim(ref, start());
    engine("step").step(claim);

    TickOutcome again = engine("step-retry").step(claim);

    assertThat(again).isInstanceOf(TickOutcome.Ignored.class);
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE, EventType.SLEEP);
    // persist and release are idempotent too
    engine("persist").persist(claim);
    engine("persist").persist(claim);
    engine("release").release(claim);
    engine("release").release(claim);
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  void givenAClaimWhoseLeaseWasTakenOver_whenItsStepRuns_thenItIsFencedAndWritesNothing()
      throws Exception {
    ContinuationRef ref = create("PT30S");
    Claim claim = claim(ref, start());
    clock.advance(TTL.plusSeconds(1));
    // another worker takes the lapsed lease, resumes the interrupted tick and finishes it
    assertThat(engine("other").deliver(ref, start())).isInstanceOf(TickOutcome.Applied.class);
    int before = events(ref).size();

    TickOutcome zombie = engine("step").step(claim);

    assertThat(zombie).isInstanceOfAny(TickOutcome.Fenced.class, TickOutcome.Ignored.class);
    assertThat(events(ref)).hasSize(before);
  }

  @Test
  void givenAClaimedStepThatKeepsFailing_whenFailIsRecorded_thenItResumesWithBackOffThenFails()
      throws Exception {
    ContinuationRef ref = create("PT30S");
    Claim claim = claim(ref, start());

    for (int attempt = 1; attempt < TickEngine.STEP_ATTEMPTS; attempt++) {
      TickOutcome outcome = engine("fail").fail(claim, "Lambda.Timeout", "step timed out");
      engine("release").release(claim);
      assertThat(outcome).isInstanceOf(TickOutcome.Applied.class);
      assertThat(state(ref).status()).isEqualTo(Status.RUNNING);
      var resume =
          store.timers().pending(ref.tenant(), ref.id()).stream()
              .filter(w -> w.wake().channel().equals("resume"))
              .findFirst()
              .orElseThrow();
      assertThat(resume.wake().id()).isEqualTo(claim.wake().id());
      assertThat(resume.dueAt())
          .isEqualTo(clock.instant().plus(Duration.ofSeconds(2L << (attempt - 1))));
      // the resume wake claims the interrupted tick again
      clock.advance(Duration.ofSeconds(10));
      claim = claim(ref, resume.wake());
      assertThat(claim.wake().id()).isEqualTo(resume.wake().id());
    }
    TickOutcome last = engine("fail").fail(claim, "Lambda.Timeout", "step timed out");
    engine("release").release(claim);

    assertThat(last).isInstanceOf(TickOutcome.Applied.class);
    assertThat(state(ref).status()).isEqualTo(Status.FAILED);
    List<EventPayload.Failed> failures =
        events(ref).stream()
            .map(EventEnvelope::payload)
            .filter(EventPayload.Failed.class::isInstance)
            .map(EventPayload.Failed.class::cast)
            .toList();
    assertThat(failures).hasSize(TickEngine.STEP_ATTEMPTS);
    assertThat(failures).extracting(EventPayload.Failed::fatal).containsExactly(false, false, true);
    assertThat(EventChain.firstDefect(events(ref))).isEmpty();
  }

  @Test
  void
      givenAnInterruptedTick_whenAnotherWakeIsClaimed_thenTheInterruptedOneRunsAndTheOtherIsDeferred()
          throws Exception {
    ContinuationRef ref = create("PT1S");
    Claim interrupted = claim(ref, start());
    clock.advance(TTL.plusSeconds(1)); // the first claimant died holding the lease
    Wake signal =
        Wake.signal(
            "signal-1",
            "approve",
            clock.instant(),
            TickEngine.signalPayload("alice", JsonNodeFactory.instance.objectNode()));

    Claim claim = claim(ref, signal);

    assertThat(claim.wake().id()).isEqualTo(interrupted.wake().id());
    assertThat(claim.deferred()).isEqualTo(signal);
    assertThat(claim.leaseGeneration()).isGreaterThan(interrupted.leaseGeneration());
  }

  @Test
  void givenADuplicateWake_whenClaimed_thenTheTickIsDoneAndNoLeaseIsHeld() throws Exception {
    ContinuationRef ref = create("PT30S");
    engine("w").deliver(ref, start());

    ClaimResult again = engine("claim").claim(ref, start());

    assertThat(again).isInstanceOf(ClaimResult.Done.class);
    assertThat(((ClaimResult.Done) again).outcome()).isInstanceOf(TickOutcome.Ignored.class);
    assertThat(leaseIsLive(ref)).isFalse();
  }
}
