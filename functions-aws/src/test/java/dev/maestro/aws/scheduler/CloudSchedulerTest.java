package dev.maestro.aws.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.LocalAwsServer.Recorded;
import dev.maestro.aws.client.SchedulerClient;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.wake.Wake;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CloudScheduler} with its ledger in DynamoDB Local (the real timers table of {@link
 * DynamoSubstrate}) and EventBridge Scheduler and Step Functions played by a local HTTP server that
 * answers in their documented wire formats ({@link FakeSchedulerService}). It asserts which calls
 * are made and what they carry; it does not exercise AWS: no schedule fires and no execution runs.
 */
class CloudSchedulerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
  private static final TenantId TENANT = TenantId.of("acme");
  private static final ContinuationId ID = ContinuationId.newId(NOW, new Random(7));

  private static DynamoDbLocalFixture dynamo;

  private final FakeSchedulerService aws = new FakeSchedulerService();
  private LocalAwsServer server;
  private TimerQueue ledger;
  private CloudScheduler scheduler;

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
    server = LocalAwsServer.start(aws);
    ledger = new DynamoSubstrate(dynamo.client(), dynamo.freshTables("cloud")).timers();
    var config =
        new CloudSchedulerConfig(
            "maestro-wakes",
            "arn:aws:states:us-east-1:111122223333:stateMachine:tick",
            "arn:aws:iam::111122223333:role/scheduler",
            null,
            "arn:aws:states:us-east-1:111122223333:stateMachine:tick",
            Duration.ofSeconds(5));
    scheduler =
        new CloudScheduler(
            ledger,
            new SchedulerClient(server.client("scheduler", AwsRetryPolicy.none())),
            new StepFunctionsTickStarter(
                new StepFunctionsClient(server.client("states", AwsRetryPolicy.none())),
                config.tickStateMachineArn()),
            config,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ScheduledWake timer(String wakeId, Instant due) {
    return new ScheduledWake(TENANT, ID, due, Wake.timer(wakeId, due));
  }

  @Test
  void givenAWakeDueWithinTheThreshold_whenRegistered_thenATickIsStartedAndNoScheduleMade() {
    var wake = timer("nap", NOW.plusSeconds(3));

    scheduler.register(wake);

    assertThat(server.requests()).hasSize(1);
    Recorded start = server.requests().get(0);
    assertThat(start.header("x-amz-target")).isEqualTo("AWSStepFunctions.StartExecution");
    var body = start.json();
    assertThat(body.get("stateMachineArn").asText()).endsWith(":stateMachine:tick");
    assertThat(body.get("name").asText()).isEqualTo(WakeDelivery.name(wake));
    var input = Json.tree(body.get("input").asText());
    assertThat(input.get("tenant").asText()).isEqualTo("acme");
    assertThat(input.get("continuation_id").asText()).isEqualTo(ID.value());
    assertThat(Json.convert(input.get("wake"), Wake.class)).isEqualTo(wake.wake());
    assertThat(aws.schedules).isEmpty();
    assertThat(scheduler.pending(TENANT, ID)).containsExactly(wake);
  }

  @Test
  void givenAFarWake_whenRegistered_thenAOneTimeScheduleRoundedUpCarriesTheSameInput() {
    var wake = timer("nap", NOW.plus(Duration.ofMinutes(5)).plusMillis(250));

    scheduler.register(wake);

    String name = WakeDelivery.name(wake);
    assertThat(server.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path()).isEqualTo("/schedules/" + name);
            });
    var schedule = aws.schedules.get(name);
    assertThat(schedule.get("ScheduleExpression").asText()).isEqualTo("at(2026-03-01T09:05:01)");
    assertThat(schedule.get("ScheduleExpressionTimezone").asText()).isEqualTo("UTC");
    assertThat(schedule.get("FlexibleTimeWindow").get("Mode").asText()).isEqualTo("OFF");
    assertThat(schedule.get("ActionAfterCompletion").asText()).isEqualTo("DELETE");
    assertThat(schedule.get("GroupName").asText()).isEqualTo("maestro-wakes");
    assertThat(schedule.get("ClientToken").asText()).matches(SchedulerClient.CLIENT_TOKEN);
    assertThat(schedule.get("Target").get("RoleArn").asText()).endsWith(":role/scheduler");
    assertThat(schedule.get("Target").get("Input").asText()).isEqualTo(WakeDelivery.input(wake));
    assertThat(schedule.get("Target").has("DeadLetterConfig")).isFalse();
    assertThat(scheduler.pending(TENANT, ID)).containsExactly(wake);
  }

  @Test
  void givenAScheduledWake_whenRegisteredAgainLater_thenTheConflictBecomesAnUpdate() {
    scheduler.register(timer("nap", NOW.plus(Duration.ofMinutes(5))));
    var moved = timer("nap", NOW.plus(Duration.ofMinutes(9)));

    scheduler.register(moved);

    assertThat(server.requests())
        .extracting(Recorded::method)
        .containsExactly("POST", "POST", "PUT");
    assertThat(aws.schedules).hasSize(1);
    assertThat(aws.schedules.get(WakeDelivery.name(moved)).get("ScheduleExpression").asText())
        .isEqualTo("at(2026-03-01T09:09:00)");
    assertThat(scheduler.pending(TENANT, ID)).containsExactly(moved);
  }

  @Test
  void givenAScheduledWake_whenRegisteredAgainAsDueNow_thenTheScheduleIsDeletedAndATickStarted() {
    scheduler.register(timer("nap", NOW.plus(Duration.ofMinutes(5))));

    scheduler.register(timer("nap", NOW));

    assertThat(server.requests())
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly(
            "POST /schedules/" + WakeDelivery.name(TENANT, ID, "nap"),
            "DELETE /schedules/" + WakeDelivery.name(TENANT, ID, "nap"),
            "POST /");
    assertThat(aws.schedules).isEmpty();
  }

  @Test
  void givenAScheduledWake_whenCancelled_thenScheduleAndLedgerEntryAreGone() {
    scheduler.register(timer("nap", NOW.plus(Duration.ofMinutes(5))));

    assertThat(scheduler.cancel(TENANT, ID, "nap")).isTrue();

    Recorded delete = server.requests().get(1);
    assertThat(delete.method()).isEqualTo("DELETE");
    assertThat(delete.query()).isEqualTo("groupName=maestro-wakes");
    assertThat(aws.schedules).isEmpty();
    assertThat(scheduler.pending(TENANT, ID)).isEmpty();
  }

  @Test
  void givenNoScheduleLeft_whenCancelled_thenTheNotFoundIsNoErrorAndTheLedgerDecides() {
    assertThat(scheduler.cancel(TENANT, ID, "never")).isFalse();
    assertThat(server.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.method()).isEqualTo("DELETE"));
  }

  @Test
  void givenAnExecutionAlreadyStartedForTheWake_whenStartedAgain_thenThatIsNotAnError() {
    server.close();
    server =
        LocalAwsServer.start(
            r ->
                LocalAwsServer.Reply.jsonError(
                    400, "com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists", "exists"));
    var starter =
        new StepFunctionsTickStarter(
            new StepFunctionsClient(server.client("states", AwsRetryPolicy.none())), "arn:sm");

    starter.start(timer("nap", NOW));

    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void names_areDeterministicPerWakeAndValidForSchedulerAndStepFunctions() {
    String name = WakeDelivery.name(TENANT, ID, "nap");

    assertThat(name).isEqualTo(WakeDelivery.name(TENANT, ID, "nap"));
    assertThat(name).isNotEqualTo(WakeDelivery.name(TENANT, ID, "nap2"));
    assertThat(name).isNotEqualTo(WakeDelivery.name(TenantId.of("other"), ID, "nap"));
    assertThat(
            WakeDelivery.name(TENANT, ID, "a wake id with spaces/and#odd:chars " + "x".repeat(300)))
        .matches(SchedulerClient.NAME)
        .matches(StepFunctionsClient.EXECUTION_NAME);
    assertThat(name).hasSizeLessThanOrEqualTo(64).startsWith("mw-" + ID.value() + "-");
  }

  @Test
  void config_fromEnv_readsEveryVariable_andNamesAMissingOne() {
    var env =
        new HashMap<>(
            Map.of(
                "MAESTRO_SCHEDULE_GROUP", "g",
                "MAESTRO_WAKE_TARGET_ARN", "arn:target",
                "MAESTRO_SCHEDULER_ROLE_ARN", "arn:role",
                "MAESTRO_WAKE_DLQ_ARN", "arn:dlq",
                "MAESTRO_TICK_STATE_MACHINE_ARN", "arn:sm"));

    assertThat(CloudSchedulerConfig.fromEnv(env))
        .isEqualTo(
            new CloudSchedulerConfig(
                "g", "arn:target", "arn:role", "arn:dlq", "arn:sm", Duration.ofSeconds(5)));

    env.put("MAESTRO_WAKE_NEAR_THRESHOLD", "PT2S");
    assertThat(CloudSchedulerConfig.fromEnv(env).nearThreshold()).isEqualTo(Duration.ofSeconds(2));
    env.remove("MAESTRO_WAKE_DLQ_ARN");
    assertThat(CloudSchedulerConfig.fromEnv(env).deadLetterArn()).isNull();
    env.remove("MAESTRO_SCHEDULER_ROLE_ARN");
    assertThatThrownBy(() -> CloudSchedulerConfig.fromEnv(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_SCHEDULER_ROLE_ARN");
  }
}
