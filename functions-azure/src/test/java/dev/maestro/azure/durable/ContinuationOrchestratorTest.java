package dev.maestro.azure.durable;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CompleteOrchestrationAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The continuation orchestration run through the Durable Task SDK's own replay ({@link
 * OrchestrationRunner}) over hand-built histories: each test plays the backend episode by episode
 * and asserts the actions the orchestrator emits.
 */
class ContinuationOrchestratorTest {

  private static final String TENANT = "acme";
  private static final String ID = "c-orchestrated";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Wake START = Wake.timer("start", T0);

  private final ContinuationOrchestrator orchestrator = new ContinuationOrchestrator();

  @Test
  void sleepThenTimerWakeThenCompletes() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));

    OrchestratorResponse first = h.run(orchestrator);
    assertThat(ticks(first)).containsExactly(new TickActivityInput(TENANT, ID, START));

    Instant t = T0.plusSeconds(3600);
    h.episode(T0.plusSeconds(2))
        .taskCompleted(taskId(first), sleeping("timer-1", t), T0.plusSeconds(2));
    OrchestratorResponse slept = h.run(orchestrator);
    assertThat(timers(slept)).containsExactly(t);
    assertThat(ticks(slept)).isEmpty();
    assertThat(slept.getCustomStatus().getValue()).isEqualTo(DurableHistory.sdkJson("SLEEPING"));

    h.episode(t.plusSeconds(1)).timerFired(timerId(slept));
    OrchestratorResponse woken = h.run(orchestrator);
    assertThat(ticks(woken))
        .containsExactly(new TickActivityInput(TENANT, ID, Wake.timer("timer-1", t)));

    h.episode(t.plusSeconds(5)).taskCompleted(taskId(woken), ended("COMPLETED"), t.plusSeconds(5));
    OrchestratorResponse done = h.run(orchestrator);
    assertThat(completion(done).getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    assertThat(completion(done).getResult().getValue())
        .isEqualTo(DurableHistory.sdkJson("COMPLETED"));
  }

  @Test
  void signalBeforeTimeoutIsTickedAndTheTimerIsAbandoned() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    Instant timeout = T0.plusSeconds(600);
    h.episode(T0.plusSeconds(1))
        .taskCompleted(taskId(first), waiting("timeout-1", timeout), T0.plusSeconds(1));
    OrchestratorResponse waiting = h.run(orchestrator);
    assertThat(timers(waiting)).containsExactly(timeout);

    Wake approve = Wake.signal("signal-1", "approve", T0.plusSeconds(30), null);
    h.episode(T0.plusSeconds(30)).eventRaised("wake", Json.write(approve), T0.plusSeconds(30));
    OrchestratorResponse signalled = h.run(orchestrator);
    assertThat(signalled.getActionsList()).hasSize(1);
    assertThat(ticks(signalled)).containsExactly(new TickActivityInput(TENANT, ID, approve));

    // The abandoned timeout fires later, while that tick runs: nothing happens.
    h.episode(timeout.plusSeconds(1)).timerFired(timerId(waiting));
    assertThat(h.run(orchestrator).getActionsList()).isEmpty();
  }

  @Test
  void timeoutBeforeSignalTicksTheTimerWakeAndALaterSignalIsNotLost() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    Instant timeout = T0.plusSeconds(600);
    h.episode(T0.plusSeconds(1))
        .taskCompleted(taskId(first), waiting("timeout-1", timeout), T0.plusSeconds(1));
    OrchestratorResponse waiting = h.run(orchestrator);

    h.episode(timeout.plusSeconds(1)).timerFired(timerId(waiting));
    OrchestratorResponse timedOut = h.run(orchestrator);
    assertThat(ticks(timedOut))
        .containsExactly(new TickActivityInput(TENANT, ID, Wake.timer("timeout-1", timeout)));

    // The recipe waits for a signal again, now without a timeout; the event wait that lost the
    // race is the one still listening, so the signal raised next reaches a tick.
    Instant later = timeout.plusSeconds(60);
    h.episode(later).taskCompleted(taskId(timedOut), waitingForEvents(), later);
    assertThat(h.run(orchestrator).getActionsList()).isEmpty();
    Wake redirect = Wake.signal("signal-2", "redirect", later.plusSeconds(5), null);
    h.episode(later.plusSeconds(5)).eventRaised("wake", Json.write(redirect), later.plusSeconds(5));
    assertThat(ticks(h.run(orchestrator)))
        .containsExactly(new TickActivityInput(TENANT, ID, redirect));
  }

  @Test
  void aKillSignalReachesASleepingContinuationAndEndsTheOrchestration() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    Instant t = T0.plusSeconds(86_400);
    h.episode(T0.plusSeconds(1)).taskCompleted(taskId(first), sleeping("timer-1", t), T0);
    assertThat(timers(h.run(orchestrator))).containsExactly(t);

    Wake kill =
        Wake.signal(
            "signal-kill",
            "kill",
            T0.plusSeconds(60),
            JsonNodeFactory.instance.objectNode().put("by", "ops"));
    // Raised as a JSON string holding the wake, the other form the event accepts.
    h.episode(T0.plusSeconds(60))
        .eventRaised("wake", DurableHistory.sdkJson(Json.write(kill)), T0.plusSeconds(60));
    OrchestratorResponse killed = h.run(orchestrator);
    assertThat(ticks(killed)).containsExactly(new TickActivityInput(TENANT, ID, kill));

    h.episode(T0.plusSeconds(61)).taskCompleted(taskId(killed), ended("KILLED"), T0);
    OrchestratorResponse done = h.run(orchestrator);
    assertThat(done.getActionsList()).hasSize(1);
    assertThat(completion(done).getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    assertThat(completion(done).getResult().getValue()).isEqualTo(DurableHistory.sdkJson("KILLED"));
  }

  @Test
  void continuesAsNewAfterTicksPerExecutionCarryingTheWakesNotYetDelivered() {
    DurableHistory h =
        start(new OrchestrationInput(TENANT, ID, List.of(START), /* ticksPerExecution */ 2, 0));
    OrchestratorResponse first = h.run(orchestrator);
    Instant t1 = T0.plusSeconds(60);
    h.episode(T0.plusSeconds(1)).taskCompleted(taskId(first), sleeping("timer-1", t1), T0);
    OrchestratorResponse sleep1 = h.run(orchestrator);
    h.episode(t1.plusSeconds(1)).timerFired(timerId(sleep1));
    OrchestratorResponse second = h.run(orchestrator);
    assertThat(ticks(second)).hasSize(1);

    // A signal arrives while the second tick runs; the tick's result waits for a timer.
    Wake approve = Wake.signal("signal-1", "approve", t1.plusSeconds(2), null);
    Instant t2 = t1.plusSeconds(3600);
    h.episode(t1.plusSeconds(3))
        .eventRaised("wake", Json.write(approve), t1.plusSeconds(2))
        .taskCompleted(taskId(second), waiting("timeout-2", t2), t1.plusSeconds(3));
    OrchestratorResponse rolled = h.run(orchestrator);

    assertThat(rolled.getActionsList()).hasSize(1);
    CompleteOrchestrationAction complete = completion(rolled);
    assertThat(complete.getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
    OrchestrationInput next =
        OrchestrationInput.fromJson(DurableHistory.fromSdkJson(complete.getResult().getValue()));
    assertThat(next)
        .isEqualTo(new OrchestrationInput(TENANT, ID, List.of(approve), 2, /* executions */ 1));

    // The next execution starts by delivering the carried wake.
    DurableHistory nextExecution = start(next);
    assertThat(ticks(nextExecution.run(orchestrator)))
        .containsExactly(new TickActivityInput(TENANT, ID, approve));
  }

  @Test
  void theSameWakeRaisedTwiceRunsTwoTicksAndTheEngineDeduplicates() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    h.episode(T0.plusSeconds(1)).taskCompleted(taskId(first), waitingForEvents(), T0);
    h.run(orchestrator);

    Wake approve = Wake.signal("signal-1", "approve", T0.plusSeconds(10), null);
    h.episode(T0.plusSeconds(10))
        .eventRaised("wake", Json.write(approve), T0.plusSeconds(10))
        .eventRaised("wake", Json.write(approve), T0.plusSeconds(10));
    OrchestratorResponse once = h.run(orchestrator);
    assertThat(ticks(once)).containsExactly(new TickActivityInput(TENANT, ID, approve));

    // The engine ignored nothing yet; the state is unchanged, so the second copy is ticked too.
    h.episode(T0.plusSeconds(11)).taskCompleted(taskId(once), waitingForEvents(), T0);
    OrchestratorResponse twice = h.run(orchestrator);
    assertThat(ticks(twice)).containsExactly(new TickActivityInput(TENANT, ID, approve));
  }

  @Test
  void replayingTheSameHistoryGivesTheSameActions() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    Instant timeout = T0.plusSeconds(600);
    h.episode(T0.plusSeconds(1)).taskCompleted(taskId(first), waiting("timeout-1", timeout), T0);
    h.run(orchestrator);
    h.episode(T0.plusSeconds(5))
        .eventRaised("wake", Json.write(Wake.signal("s", "approve", T0, null)), T0.plusSeconds(5));

    byte[] request = h.request();
    byte[] once = OrchestrationRunner.loadAndRun(request, orchestrator);
    byte[] again = OrchestrationRunner.loadAndRun(request, new ContinuationOrchestrator());
    assertThat(again).isEqualTo(once);
    assertThat(DurableHistory.decode(once).getActionsList()).hasSize(1);
  }

  @Test
  void timersComeFromTheHistoryClockNotTheSystemClock() {
    Instant past = Instant.parse("2001-05-01T08:00:00Z");
    DurableHistory h =
        DurableHistory.started(
            ContinuationOrchestrator.NAME,
            ID,
            past,
            OrchestrationInput.start(TENANT, ID, Wake.timer("start", past)).toJson());
    OrchestratorResponse first = h.run(orchestrator);

    // The activity failed: the retry timer is 30 s after the episode's time, in 2001.
    Instant failedAt = past.plusSeconds(7);
    h.episode(failedAt).taskFailed(taskId(first), failedAt);
    OrchestratorResponse retry = h.run(orchestrator);
    assertThat(timers(retry))
        .containsExactly(failedAt.plus(ContinuationOrchestrator.ACTIVITY_RETRY));

    h.episode(failedAt.plusSeconds(31)).timerFired(timerId(retry));
    assertThat(ticks(h.run(orchestrator)))
        .containsExactly(new TickActivityInput(TENANT, ID, Wake.timer("start", past)));
  }

  @Test
  void aHeldLeaseDeliversTheSameWakeAgainAtTheRetryTime() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    Instant retryAt = T0.plusSeconds(45);
    h.episode(T0.plusSeconds(1))
        .taskCompleted(
            taskId(first),
            TickActivityResult.retry("SLEEPING", retryAt, "lease held").toJson(),
            T0);
    OrchestratorResponse waiting = h.run(orchestrator);
    assertThat(timers(waiting)).containsExactly(retryAt);

    h.episode(retryAt.plusSeconds(1)).timerFired(timerId(waiting));
    assertThat(ticks(h.run(orchestrator)))
        .containsExactly(new TickActivityInput(TENANT, ID, START));
  }

  @Test
  void startedWithoutAWakeTheFirstTickOnlyReadsTheState() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, null));
    assertThat(ticks(h.run(orchestrator))).containsExactly(new TickActivityInput(TENANT, ID, null));
  }

  @Test
  void aMalformedWakeEventIsDroppedAndTheWaitGoesOn() {
    DurableHistory h = start(OrchestrationInput.start(TENANT, ID, START));
    OrchestratorResponse first = h.run(orchestrator);
    h.episode(T0.plusSeconds(1)).taskCompleted(taskId(first), waitingForEvents(), T0);
    h.run(orchestrator);

    h.episode(T0.plusSeconds(2)).eventRaised("wake", "{\"nonsense\":true}", T0.plusSeconds(2));
    assertThat(h.run(orchestrator).getActionsList()).isEmpty();

    Wake publish = new Wake("pub-1", WakeKind.PUBLISH, "findings", T0.plusSeconds(3), null);
    h.episode(T0.plusSeconds(3)).eventRaised("wake", Json.write(publish), T0.plusSeconds(3));
    assertThat(ticks(h.run(orchestrator)))
        .containsExactly(new TickActivityInput(TENANT, ID, publish));
  }

  private static DurableHistory start(OrchestrationInput input) {
    return DurableHistory.started(ContinuationOrchestrator.NAME, ID, T0, input.toJson());
  }

  private static String sleeping(String timerId, Instant at) {
    return TickActivityResult.waiting(
            "SLEEPING", new TickActivityResult.Timer(timerId, at), false, "slept")
        .toJson();
  }

  private static String waiting(String timerId, Instant at) {
    return TickActivityResult.waiting(
            "WAITING", new TickActivityResult.Timer(timerId, at), true, "waits")
        .toJson();
  }

  private static String waitingForEvents() {
    return TickActivityResult.waiting("WAITING", null, true, "waits").toJson();
  }

  private static String ended(String status) {
    return TickActivityResult.ended(status, "ended").toJson();
  }

  private static List<TickActivityInput> ticks(OrchestratorResponse response) {
    return response.getActionsList().stream()
        .filter(OrchestratorAction::hasScheduleTask)
        .peek(a -> assertThat(a.getScheduleTask().getName()).isEqualTo("tick"))
        .map(a -> DurableHistory.fromSdkJson(a.getScheduleTask().getInput().getValue()))
        .map(TickActivityInput::fromJson)
        .toList();
  }

  private static List<Instant> timers(OrchestratorResponse response) {
    return response.getActionsList().stream()
        .filter(OrchestratorAction::hasCreateTimer)
        .map(a -> DurableHistory.instant(a.getCreateTimer().getFireAt()))
        .toList();
  }

  private static int taskId(OrchestratorResponse response) {
    return only(response, OrchestratorAction::hasScheduleTask).getId();
  }

  private static int timerId(OrchestratorResponse response) {
    return only(response, OrchestratorAction::hasCreateTimer).getId();
  }

  private static CompleteOrchestrationAction completion(OrchestratorResponse response) {
    return only(response, OrchestratorAction::hasCompleteOrchestration).getCompleteOrchestration();
  }

  private static OrchestratorAction only(
      OrchestratorResponse response, java.util.function.Predicate<OrchestratorAction> kind) {
    List<OrchestratorAction> matching = response.getActionsList().stream().filter(kind).toList();
    assertThat(matching).as("actions %s", response.getActionsList()).hasSize(1);
    return matching.get(0);
  }
}
