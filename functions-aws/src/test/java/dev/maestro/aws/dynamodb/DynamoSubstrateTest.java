package dev.maestro.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.Substrate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What the kit does not cover and is specific to DynamoDB, checked on DynamoDB Local: the table
 * shapes, the transaction-size limit, the stored item layout, races decided by the append
 * transaction's conditions (a rival write injected between an append's reads and its write), and
 * infrastructure failures surfacing as {@link DynamoStoreException} rather than SDK exceptions.
 */
class DynamoSubstrateTest {

  private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

  private static DynamoDbLocal dynamo;

  private DynamoTables tables;
  private Substrate substrate;

  @BeforeAll
  static void startDynamoDbLocal() {
    dynamo = DynamoDbLocal.start();
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    if (dynamo != null) dynamo.close();
  }

  @BeforeEach
  void freshTables() {
    tables = dynamo.freshTables("unit");
    substrate = new DynamoSubstrate(dynamo.client(), tables).substrate();
  }

  @Test
  void givenCreatedTables_whenDescribed_thenOnDemandWithStreamedEventsAndTheDueIndex() {
    TableDescription events = describe(tables.events());
    TableDescription timers = describe(tables.timers());

    assertThat(events.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(events.streamSpecification().streamEnabled()).isTrue();
    assertThat(events.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_IMAGE);
    assertThat(timers.globalSecondaryIndexes())
        .extracting(index -> index.indexName())
        .containsExactly(DynamoTables.TIMERS_BY_DUE_INDEX);
  }

  @Test
  void givenExistingTables_whenCreatedAgain_thenNothingHappens() {
    assertThatCode(() -> DynamoSchema.createIfMissing(dynamo.client(), tables))
        .doesNotThrowAnyException();
  }

  @Test
  void givenABatchOverTheTransactionLimit_whenAppended_thenRejectedNamingTheLimit() {
    var spawned = created();
    var batch = Fixtures.following(spawned.spawn(), 0, DynamoEventLog.MAX_BATCH + 1);

    assertThatThrownBy(() -> substrate.events().append(spawned.tenant(), spawned.id(), 0, batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100 items per transaction");
    assertThat(substrate.events().read(spawned.tenant(), spawned.id(), 0, 1_000)).hasSize(1);
  }

  @Test
  void givenABatchAtTheTransactionLimit_whenAppended_thenEveryEventIsWritten() {
    var spawned = created();
    var batch = Fixtures.following(spawned.spawn(), 0, DynamoEventLog.MAX_BATCH);

    AppendResult result = substrate.events().append(spawned.tenant(), spawned.id(), 0, batch);

    assertThat(result).isEqualTo(new AppendResult(99, 0, 100));
  }

  @Test
  void givenAnAppendedEvent_whenItsItemIsRead_thenItIsKeyedByTenantAndHoldsTheJsonAsWritten() {
    var spawned = created();
    var next = Fixtures.following(spawned.spawn(), 0, 1).get(0);
    substrate.events().append(spawned.tenant(), spawned.id(), 0, List.of(next));

    Map<String, AttributeValue> item =
        dynamo
            .client()
            .getItem(
                GetItemRequest.builder()
                    .tableName(tables.events())
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS(spawned.tenant() + "#" + spawned.id()),
                            "sk",
                            AttributeValue.fromN("2")))
                    .consistentRead(true)
                    .build())
            .item();

    assertThat(item.get("hash").s()).isEqualTo(next.hash());
    assertThat(item.get("generation").n()).isEqualTo("0");
    assertThat(item.get("body").s()).isEqualTo(Json.write(next));
  }

  @Test
  void givenMissingTables_whenTheSubstrateIsUsed_thenDynamoStoreExceptionNotAnSdkException() {
    var missing = new DynamoSubstrate(dynamo.client(), new DynamoTables("missing-")).substrate();

    assertThatThrownBy(
            () -> missing.continuations().find(Fixtures.tenant("alpha"), Fixtures.newId(NOW)))
        .isInstanceOf(DynamoStoreException.class)
        .hasCauseInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void givenAPrefixOutsideDynamoDbsAlphabet_whenTablesAreNamed_thenRejected() {
    assertThatThrownBy(() -> new DynamoTables("bad prefix/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenALeaseTakenBetweenTheReadsAndTheWrite_whenAppended_thenFencedByTheTransaction() {
    var racing = new RaceInjectingClient(dynamo.client());
    var events = new DynamoSubstrate(racing, tables).substrate().events();
    var spawned = created();
    var batch = Fixtures.following(spawned.spawn(), 0, 2);
    racing.beforeNextTransaction(
        () ->
            substrate
                .continuations()
                .acquireLease(
                    spawned.tenant(), spawned.id(), "thief", Duration.ofSeconds(30), NOW));

    assertThatThrownBy(() -> events.append(spawned.tenant(), spawned.id(), 0, batch))
        .isInstanceOf(FencedException.class);
    assertThat(substrate.events().read(spawned.tenant(), spawned.id(), 0, 10)).hasSize(1);
  }

  @Test
  void givenTheSameEventsWrittenBetweenTheReadsAndTheWrite_whenAppended_thenADuplicate() {
    var racing = new RaceInjectingClient(dynamo.client());
    var events = new DynamoSubstrate(racing, tables).substrate().events();
    var spawned = created();
    var batch = Fixtures.following(spawned.spawn(), 0, 2);
    racing.beforeNextTransaction(
        () -> substrate.events().append(spawned.tenant(), spawned.id(), 0, batch));

    AppendResult result = events.append(spawned.tenant(), spawned.id(), 0, batch);

    assertThat(result).isEqualTo(new AppendResult(0, 2, 3));
  }

  @Test
  void givenOtherEventsWrittenBetweenTheReadsAndTheWrite_whenAppended_thenConflict() {
    var racing = new RaceInjectingClient(dynamo.client());
    var events = new DynamoSubstrate(racing, tables).substrate().events();
    var spawned = created();
    var mine = Fixtures.following(spawned.spawn(), 0, 2, "mine");
    var rival = Fixtures.following(spawned.spawn(), 0, 1, "rival");
    racing.beforeNextTransaction(
        () -> substrate.events().append(spawned.tenant(), spawned.id(), 0, rival));

    assertThatThrownBy(() -> events.append(spawned.tenant(), spawned.id(), 0, mine))
        .isInstanceOf(ConflictException.class);
    assertThat(substrate.events().read(spawned.tenant(), spawned.id(), 0, 10))
        .containsExactly(spawned.spawn(), rival.get(0));
  }

  private Fixtures.Spawned created() {
    var spawned = Fixtures.spawned(Fixtures.tenant("alpha"), NOW);
    substrate.continuations().create(spawned.continuation(), spawned.spawn());
    return spawned;
  }

  private TableDescription describe(String table) {
    return dynamo
        .client()
        .describeTable(DescribeTableRequest.builder().tableName(table).build())
        .table();
  }
}
