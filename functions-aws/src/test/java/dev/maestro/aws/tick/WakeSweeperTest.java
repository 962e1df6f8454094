package dev.maestro.aws.tick;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweeper over the real timer ledger on DynamoDB Local. */
class WakeSweeperTest {

  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static DynamoDbLocalFixture dynamo;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private AwsRuntime runtime;
  private ContinuationService service;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocalFixture.start();
  }

  @AfterAll
  static void stopDynamo() {
    if (dynamo != null) dynamo.close();
  }

  @BeforeEach
  void wire() {
    runtime =
        new AwsRuntime(
            dynamo.client(),
            dynamo.freshTables("sweep"),
            ledger -> ledger,
            clock,
            "sweeper",
            Duration.ofMinutes(2));
    service = new ContinuationService(runtime.substrate(), clock, new SecureRandom());
  }

  private ContinuationRef create(String sleep) {
    var params = JsonNodeFactory.instance.objectNode().put("sleep", sleep);
    var goal = GoalFrame.of("sweep", BudgetLimits.ofUsd(BigDecimal.ONE, 0), "noop", params);
    Continuation c = service.create(ALICE, goal, null).continuation();
    return new ContinuationRef(c.tenant(), c.id());
  }

  @Test
  void givenNoStateMachine_whenSweeping_thenDueTicksRunInProcessUntilTheLifecycleEnds() {
    ContinuationRef ref = create("PT10S");
    var sweeper =
        new WakeSweeper(
            runtime.ledger(),
            WakeSweeper.inProcess(runtime.tickEngine(Observability.NONE), runtime.ledger()),
            clock,
            Duration.ZERO,
            50);

    assertThat(sweeper.sweep()).isEqualTo(new WakeSweeper.Report(1, 1, 0));
    assertThat(service.get(ALICE, ref.id()).continuation().status()).isEqualTo(Status.SLEEPING);
    assertThat(sweeper.sweep().due()).as("the sleep's timer is not due yet").isZero();

    clock.advance(Duration.ofSeconds(10));
    assertThat(sweeper.sweep()).isEqualTo(new WakeSweeper.Report(1, 1, 0));

    assertThat(service.get(ALICE, ref.id()).continuation().status()).isEqualTo(Status.COMPLETED);
    assertThat(runtime.ledger().pending(ref.tenant(), ref.id())).isEmpty();
  }

  @Test
  void
      givenPushedDeliveries_whenSweeping_thenOnlyWakesOverdueByTheGraceAreStartedAndFailuresDoNotStopOthers() {
    create("PT10S");
    create("PT10S");
    List<ScheduledWake> started = new ArrayList<>();
    var sweeper =
        new WakeSweeper(
            runtime.ledger(),
            wake -> {
              if (started.isEmpty()) {
                started.add(null);
                throw new IllegalStateException("StartExecution throttled");
              }
              started.add(wake);
            },
            clock,
            Duration.ofMinutes(2),
            50);

    assertThat(sweeper.sweep().due()).as("not overdue by the grace yet").isZero();
    clock.advance(Duration.ofMinutes(2));
    WakeSweeper.Report report = sweeper.sweep();

    assertThat(report).isEqualTo(new WakeSweeper.Report(2, 1, 1));
    assertThat(started.getLast().wake().id()).isEqualTo(ContinuationService.START_TIMER);
    // started, not run: the ledger still holds both until their ticks acknowledge them
    assertThat(runtime.ledger().due(clock.instant(), 50)).hasSize(2);
  }
}
