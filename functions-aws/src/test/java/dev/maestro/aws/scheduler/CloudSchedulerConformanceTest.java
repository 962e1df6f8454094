package dev.maestro.aws.scheduler;

import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.SchedulerClient;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.conformance.SchedulerContract;
import dev.maestro.core.substrate.Substrate;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The core's {@link SchedulerContract} against {@link CloudScheduler}: the ledger is the DynamoDB
 * timers table on DynamoDB Local, and EventBridge Scheduler and Step Functions are played by a
 * local HTTP server answering in their documented formats ({@link FakeSchedulerService}). It checks
 * the port's contract (idempotent register, cancel, pending order); it does not exercise AWS, and
 * the timer-queue contract (due, acknowledge) is the ledger's, run by the DynamoDB kit.
 */
class CloudSchedulerConformanceTest extends SchedulerContract {

  private static DynamoDbLocalFixture dynamo;
  private static LocalAwsServer server;

  private DynamoTables tables;

  @BeforeAll
  static void start() {
    dynamo = DynamoDbLocalFixture.start();
    server = LocalAwsServer.start(new FakeSchedulerService());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (dynamo != null) dynamo.close();
  }

  @Override
  protected Substrate newSubstrate() {
    tables = dynamo.freshTables("cloud-kit");
    return substrate();
  }

  @Override
  protected Substrate reopen() {
    return substrate();
  }

  private Substrate substrate() {
    var dynamoPorts = new DynamoSubstrate(dynamo.client(), tables);
    var config =
        new CloudSchedulerConfig(
            "maestro-wakes",
            "arn:aws:states:us-east-1:1:stateMachine:tick",
            "arn:aws:iam::1:role/scheduler",
            null,
            "arn:aws:states:us-east-1:1:stateMachine:tick",
            Duration.ofSeconds(5));
    var cloud =
        new CloudScheduler(
            dynamoPorts.timers(),
            new SchedulerClient(server.client("scheduler", AwsRetryPolicy.none())),
            new StepFunctionsTickStarter(
                new StepFunctionsClient(server.client("states", AwsRetryPolicy.none())),
                config.tickStateMachineArn()),
            config,
            clock());
    Substrate ports = dynamoPorts.substrate();
    return new Substrate(ports.continuations(), ports.events(), cloud, ports.idempotency());
  }
}
