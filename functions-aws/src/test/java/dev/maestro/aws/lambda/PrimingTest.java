package dev.maestro.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.lifecycle.ContinuationService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The primers run before a SnapStart snapshot (and at init on request) answer their requests end to
 * end against DynamoDB Local and leave no trace in any table.
 */
class PrimingTest {

  private static DynamoDbLocalFixture dynamo;

  @BeforeAll
  static void start() {
    dynamo = DynamoDbLocalFixture.start();
  }

  @AfterAll
  static void stop() {
    if (dynamo != null) dynamo.close();
  }

  private long items(String table) {
    return dynamo.client().scan(ScanRequest.builder().tableName(table).build()).count();
  }

  @Test
  void givenTheApiPrimer_whenRun_thenItAnswersWithoutWritingAnything() {
    DynamoTables tables = dynamo.freshTables("prime-api");
    var runtime =
        new AwsRuntime(
            dynamo.client(), tables, l -> l, Clock.systemUTC(), "p", Duration.ofMinutes(1));
    var service = new ContinuationService(runtime.substrate(), runtime.clock(), new SecureRandom());
    var handler = new ApiHandler(ApiHandler.router(service), "custom:tenant");

    handler.prime();

    assertThat(items(tables.continuations())).isZero();
    assertThat(items(tables.events())).isZero();
    assertThat(items(tables.idempotency())).isZero();
  }

  @Test
  void givenTheTickPrimer_whenRun_thenItAnswersWithoutWritingAnything() {
    DynamoTables tables = dynamo.freshTables("prime-tick");
    var runtime =
        new AwsRuntime(
            dynamo.client(), tables, l -> l, Clock.systemUTC(), "p", Duration.ofMinutes(1));

    dev.maestro.aws.tick.TickPrimingAccess.prime(runtime);

    assertThat(items(tables.continuations())).isZero();
    assertThat(items(tables.timers())).isZero();
  }

  @Test
  void givenPrimeOnInit_whenAPrimerRegisters_thenItRunsAtOnceAndFailuresAreReportedNotThrown() {
    var runs = new AtomicInteger();
    Priming.register("counting", runs::incrementAndGet, Map.of(Priming.PRIME_ON_INIT, "true"));
    assertThat(runs).hasValue(1);
    Priming.register("not-at-init", runs::incrementAndGet, Map.of());
    assertThat(runs).hasValue(1);

    Priming.register(
        "broken",
        () -> {
          throw new IllegalStateException("no network");
        },
        Map.of());

    assertThat(Priming.runAll("test")).contains("broken");
    assertThat(runs).hasValue(3);
  }
}
