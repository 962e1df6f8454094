package dev.maestro.aws.tick;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.SchedulerClient;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.scheduler.CloudScheduler;
import dev.maestro.aws.scheduler.CloudSchedulerConfig;
import dev.maestro.aws.scheduler.FakeSchedulerService;
import dev.maestro.aws.scheduler.StepFunctionsTickStarter;
import dev.maestro.aws.stepfunctions.LocalStateMachine;
import dev.maestro.aws.stepfunctions.StatesError;
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
import dev.maestro.core.time.ManualClock;
import java.io.InputStream;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tick's Step Functions definition ({@code statemachine/tick.asl.json}) run by {@link
 * LocalStateMachine} against the real phase handlers, over DynamoDB Local, with the real {@link
 * CloudScheduler} talking to a local stand-in for EventBridge Scheduler and StartExecution. Each
 * test walks one path of the definition; the last checks that together they entered every state and
 * took every branch of every Choice. What is exercised: the definition's data flow (every JSONPath
 * it reads is written by a handler), retries, catches and the handlers' behaviour. Not exercised:
 * Step Functions itself (its quotas, timing, at-least-once starts) and Lambda's runtime.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TickStateMachineTest {

  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static final Duration LEASE_TTL = Duration.ofMinutes(2);
  private static final Set<String> STATES_ENTERED = ConcurrentHashMap.newKeySet();
  private static final Set<String> BRANCHES_TAKEN = ConcurrentHashMap.newKeySet();

  private static DynamoDbLocalFixture dynamo;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00.250Z"));
  private final FakeSchedulerService aws = new FakeSchedulerService();
  private final Map<String, UnaryOperator<JsonNode>> faults = new HashMap<>();
  private LocalAwsServer server;
  private AwsRuntime runtime;
  private ContinuationService service;
  private LocalStateMachine machine;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocalFixture.start();
  }

  @AfterAll
  static void stopDynamo() {
    if (dynamo != null) dynamo.close();
  }

  @BeforeEach
  void wire() throws Exception {
    server = LocalAwsServer.start(aws);
    String machineArn = "arn:aws:states:us-east-1:111122223333:stateMachine:maestro-tick";
    var config =
        new CloudSchedulerConfig(
            "maestro-wakes",
            machineArn,
            "arn:aws:iam::111122223333:role/maestro-scheduler",
            null,
            machineArn,
            Duration.ofSeconds(5));
    runtime =
        new AwsRuntime(
            dynamo.client(),
            dynamo.freshTables("tick"),
            ledger ->
                new CloudScheduler(
                    ledger,
                    new SchedulerClient(server.client("scheduler", AwsRetryPolicy.none())),
                    new StepFunctionsTickStarter(
                        new StepFunctionsClient(server.client("states", AwsRetryPolicy.none())),
                        machineArn),
                    config,
                    clock),
            clock,
            "test-worker",
            LEASE_TTL);
    service = new ContinuationService(runtime.substrate(), clock, new SecureRandom());
    TickPhases phases =
        new TickPhases(
            runtime.tickEngine(Observability.NONE),
            runtime.ledger(),
            runtime.substrate().scheduler(),
            clock,
            TickPhases.DEFAULT_MARGIN);
    Map<String, Function<JsonNode, JsonNode>> functions = new HashMap<>();
    functions.put("acquire", faulty("acquire", new PhaseHandler.Acquire(() -> phases)::invoke));
    functions.put("step", faulty("step", new PhaseHandler.Step(() -> phases)::invoke));
    functions.put("persist", faulty("persist", new PhaseHandler.Persist(() -> phases)::invoke));
    functions.put(
        "schedule_wake",
        faulty("schedule_wake", new PhaseHandler.ScheduleWake(() -> phases)::invoke));
    functions.put("release", faulty("release", new PhaseHandler.Release(() -> phases)::invoke));
    functions.put("fail", faulty("fail", new PhaseHandler.Fail(() -> phases)::invoke));
    try (InputStream in = getClass().getResourceAsStream("/statemachine/tick.asl.json")) {
      JsonNode definition =
          LocalStateMachine.load(
              in,
              Map.of(
                  "acquire_function_arn", "acquire",
                  "step_function_arn", "step",
                  "persist_function_arn", "persist",
                  "schedule_wake_function_arn", "schedule_wake",
                  "release_function_arn", "release",
                  "fail_function_arn", "fail"));
      machine = new LocalStateMachine(definition, functions, clock, clock::advanceTo);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** {@code function} preceded by whatever fault the test injected for {@code name}. */
  private Function<JsonNode, JsonNode> faulty(String name, Function<JsonNode, JsonNode> function) {
    return payload -> {
      UnaryOperator<JsonNode> fault = faults.remove(name);
      if (fault != null) payload = fault.apply(payload);
      return function.apply(payload);
    };
  }

  private ContinuationRef create(String sleep) {
    var params = JsonNodeFactory.instance.objectNode().put("sleep", sleep);
    var goal = GoalFrame.of("walk", BudgetLimits.ofUsd(BigDecimal.ONE, 0), "noop", params);
    Continuation c = service.create(ALICE, goal, null).continuation();
    return new ContinuationRef(c.tenant(), c.id());
  }

  /** Runs the oldest execution the scheduler started, as Step Functions would. */
  private LocalStateMachine.Execution runStartedExecution() throws Exception {
    assertThat(aws.executions).as("an execution was started").isNotEmpty();
    JsonNode start = aws.executions.removeFirst();
    assertThat(start.path("stateMachineArn").asText()).endsWith(":maestro-tick");
    return run(Json.mapper().readTree(start.path("input").asText()));
  }

  /** Fires the one schedule registered (at its time), as EventBridge Scheduler would. */
  private LocalStateMachine.Execution fireSchedule() throws Exception {
    assertThat(aws.schedules).hasSize(1);
    var entry = aws.schedules.entrySet().iterator().next();
    aws.schedules.remove(entry.getKey()); // ActionAfterCompletion: DELETE
    JsonNode schedule = entry.getValue();
    clock.advanceTo(at(schedule.path("ScheduleExpression").asText()));
    return run(Json.mapper().readTree(schedule.path("Target").path("Input").asText()));
  }

  private LocalStateMachine.Execution run(JsonNode input) {
    LocalStateMachine.Execution execution = machine.start(input);
    List<LocalStateMachine.Step> history = execution.history();
    for (int i = 0; i < history.size(); i++) {
      STATES_ENTERED.add(history.get(i).state());
      if (history.get(i).type().equals("Choice") && i + 1 < history.size())
        BRANCHES_TAKEN.add(history.get(i).state() + "->" + history.get(i + 1).state());
    }
    return execution;
  }

  private static Instant at(String expression) {
    String inner = expression.substring("at(".length(), expression.length() - 1);
    return LocalDateTime.parse(inner).toInstant(ZoneOffset.UTC);
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

  private boolean ledgerEmpty(ContinuationRef ref) {
    return runtime.ledger().pending(ref.tenant(), ref.id()).isEmpty();
  }

  @Test
  @Order(1)
  void givenAShortSleep_whenTheStartExecutionRuns_thenItWaitsInTheExecutionAndCompletes()
      throws Exception {
    ContinuationRef ref = create("PT30S");

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.succeeded()).as(execution.toString()).isTrue();
    assertThat(execution.path())
        .containsExactly(
            "Start",
            "Acquire",
            "Decide",
            "RunStep",
            "Stepped",
            "Persist",
            "RouteNextWake",
            "Release",
            "AfterRelease",
            "WaitForTimer",
            "NextTick",
            "Acquire",
            "Decide",
            "RunStep",
            "Stepped",
            "Persist",
            "RouteNextWake",
            "Release",
            "AfterRelease",
            "Done");
    assertThat(state(ref).status()).isEqualTo(Status.COMPLETED);
    assertThat(types(ref))
        .containsExactly(
            EventType.SPAWN, EventType.WAKE, EventType.SLEEP, EventType.WAKE, EventType.COMPLETE);
    assertThat(EventChain.firstDefect(events(ref))).isEmpty();
    assertThat(ledgerEmpty(ref)).as("every consumed wake acknowledged").isTrue();
    assertThat(aws.schedules).isEmpty();
    assertThat(aws.executions).isEmpty();
  }

  @Test
  @Order(2)
  void givenALongSleep_whenTheTickPersists_thenAScheduleStartsTheNextExecution() throws Exception {
    ContinuationRef ref = create("PT1H");

    LocalStateMachine.Execution first = runStartedExecution();

    assertThat(first.path())
        .containsExactly(
            "Start",
            "Acquire",
            "Decide",
            "RunStep",
            "Stepped",
            "Persist",
            "RouteNextWake",
            "ScheduleWake",
            "Release",
            "AfterRelease",
            "Done");
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
    JsonNode schedule = aws.schedules.values().iterator().next();
    Instant due = clock.instant().plus(Duration.ofHours(1));
    assertThat(at(schedule.path("ScheduleExpression").asText()))
        .isEqualTo(TickPhases.ceilToSecond(due));
    assertThat(runtime.ledger().pending(ref.tenant(), ref.id())).hasSize(1);

    LocalStateMachine.Execution second = fireSchedule();

    assertThat(second.succeeded()).isTrue();
    assertThat(state(ref).status()).isEqualTo(Status.COMPLETED);
    assertThat(ledgerEmpty(ref)).isTrue();
  }

  @Test
  @Order(3)
  void givenADeliveredWake_whenItsExecutionRunsAgain_thenTheDuplicateEndsAtDecide()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    JsonNode start = aws.executions.getFirst();
    runStartedExecution();
    int before = events(ref).size();

    LocalStateMachine.Execution again = run(Json.mapper().readTree(start.path("input").asText()));

    assertThat(again.path()).containsExactly("Start", "Acquire", "Decide", "Done");
    assertThat(events(ref)).hasSize(before);
  }

  @Test
  @Order(4)
  void givenALeaseHeldBriefly_whenTheTickStarts_thenItWaitsForTheLeaseInTheExecution()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    runtime
        .substrate()
        .continuations()
        .acquireLease(
            ref.tenant(), ref.id(), "another-worker", Duration.ofSeconds(20), clock.instant());

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path())
        .startsWith("Start", "Acquire", "Decide", "WaitForLease", "Acquire");
    assertThat(execution.succeeded()).isTrue();
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  @Order(5)
  void givenALeaseHeldBeyondTheWindow_whenTheTickStarts_thenTheWakeIsRescheduled()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    runtime
        .substrate()
        .continuations()
        .acquireLease(
            ref.tenant(), ref.id(), "another-worker", Duration.ofMinutes(10), clock.instant());

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path()).containsExactly("Start", "Acquire", "Decide", "Done");
    assertThat(aws.schedules).hasSize(1);
    assertThat(types(ref)).containsExactly(EventType.SPAWN);

    LocalStateMachine.Execution later = fireSchedule();
    assertThat(later.succeeded()).isTrue();
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  @Order(6)
  void givenAStepThatCrashes_whenCaught_thenAnErrorEventIsRecordedAndTheTickResumes()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    faults.put(
        "step",
        payload -> {
          throw new IllegalStateException("out of memory in the step");
        });

    LocalStateMachine.Execution failed = runStartedExecution();

    assertThat(failed.path())
        .containsExactly("Start", "Acquire", "Decide", "RunStep", "RecordFailure", "TickFailed");
    assertThat(failed.error()).isEqualTo("Maestro.TickFailed");
    EventPayload.Failed error = (EventPayload.Failed) events(ref).getLast().payload();
    assertThat(error.fatal()).isFalse();
    assertThat(error.code()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.message()).contains("out of memory in the step");
    assertThat(state(ref).status()).isEqualTo(Status.RUNNING);

    // the resume wake is due in 2 s: the scheduler starts its execution at once
    LocalStateMachine.Execution resumed = runStartedExecution();

    assertThat(resumed.succeeded()).isTrue();
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
    assertThat(types(ref))
        .containsExactly(EventType.SPAWN, EventType.WAKE, EventType.ERROR, EventType.SLEEP);
  }

  @Test
  @Order(7)
  void givenATransientLambdaError_whenPersisting_thenTheStateRetriesAndNothingIsRecorded()
      throws Exception {
    ContinuationRef ref = create("PT30S");
    faults.put(
        "persist",
        payload -> {
          throw new StatesError("Lambda.ServiceException", "Lambda is unavailable");
        });

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.succeeded()).isTrue();
    assertThat(state(ref).status()).isEqualTo(Status.COMPLETED);
    assertThat(types(ref)).doesNotContain(EventType.ERROR);
  }

  @Test
  @Order(8)
  void givenALeaseTakenOverMidTick_whenTheStepRuns_thenItIsFencedAndTheExecutionEnds()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    faults.put(
        "step",
        payload -> {
          clock.advance(LEASE_TTL.plusSeconds(1));
          runtime
              .substrate()
              .continuations()
              .acquireLease(ref.tenant(), ref.id(), "usurper", LEASE_TTL, clock.instant());
          return payload;
        });

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path())
        .containsExactly("Start", "Acquire", "Decide", "RunStep", "Stepped", "Done");
    assertThat(types(ref)).containsExactly(EventType.SPAWN, EventType.WAKE);
  }

  @Test
  @Order(9)
  void givenAnAcquireThatCrashes_whenCaught_thenTheExecutionFailsAndTheWakeStaysInTheLedger()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    faults.put(
        "acquire",
        payload -> {
          throw new IllegalStateException("container died");
        });

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path()).containsExactly("Start", "Acquire", "AcquireFailed");
    assertThat(runtime.ledger().pending(ref.tenant(), ref.id()))
        .extracting(w -> w.wake().id())
        .containsExactly(ContinuationService.START_TIMER);
  }

  @Test
  @Order(10)
  void givenAReleaseThatFails_whenCaught_thenTheTickStillEnds() throws Exception {
    ContinuationRef ref = create("PT1H");
    faults.put(
        "release",
        payload -> {
          throw new IllegalStateException("release lost");
        });

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.succeeded()).isTrue();
    assertThat(execution.output().path("release_error").path("Error").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  @Order(11)
  void givenAFailureRecorderThatFails_whenCaught_thenTheExecutionStillEndsFailed()
      throws Exception {
    create("PT1H");
    faults.put(
        "persist",
        payload -> {
          throw new IllegalStateException("persist crashed");
        });
    faults.put(
        "fail",
        payload -> {
          throw new IllegalStateException("recorder crashed");
        });

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path())
        .containsExactly(
            "Start",
            "Acquire",
            "Decide",
            "RunStep",
            "Stepped",
            "Persist",
            "RecordFailure",
            "TickFailed");
  }

  @Test
  @Order(12)
  void givenASignalToASleepingContinuation_whenItsExecutionRuns_thenTheSignalIsRecorded()
      throws Exception {
    ContinuationRef ref = create("PT1H");
    runStartedExecution();
    service.signal(ALICE, ref.id(), "approve", JsonNodeFactory.instance.objectNode(), "ok-1");

    LocalStateMachine.Execution execution = runStartedExecution();

    assertThat(execution.path()).containsExactly("Start", "Acquire", "Decide", "Done");
    assertThat(types(ref)).endsWith(EventType.HUMAN_SIGNAL);
    assertThat(state(ref).status()).isEqualTo(Status.SLEEPING);
  }

  @Test
  @Order(100)
  void everyStateAndEveryChoiceBranchOfTheDefinitionWasWalked() {
    assertThat(new TreeSet<>(STATES_ENTERED))
        .as("states entered by the tests above")
        .containsExactlyInAnyOrderElementsOf(machine.stateNames());
    Set<String> branches = new HashSet<>();
    JsonNode states = machine.definition().path("States");
    states
        .properties()
        .forEach(
            e -> {
              if (!e.getValue().path("Type").asText().equals("Choice")) return;
              for (JsonNode rule : e.getValue().path("Choices"))
                branches.add(e.getKey() + "->" + rule.path("Next").asText());
              branches.add(e.getKey() + "->" + e.getValue().path("Default").asText());
            });
    assertThat(new TreeSet<>(BRANCHES_TAKEN)).containsAll(branches);
    assertThat(new ArrayList<>(branches)).isNotEmpty();
  }
}
