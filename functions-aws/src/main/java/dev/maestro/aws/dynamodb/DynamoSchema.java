package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.SK;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Creates the tables of {@link DynamoTables} as the substrate expects them: on-demand billing, the
 * {@code events} table streamed with {@code NEW_IMAGE} (CDC and sibling fan-out read it), the
 * due-time index on {@code timers}, and TTL on {@code dead_letters} ({@value #DEAD_LETTER_TTL}) and
 * {@code budget}. Used by tests and by deployment tooling; production stacks may declare the same
 * shapes in infrastructure code instead.
 */
public final class DynamoSchema {

  /** The TTL attribute of the dead-letter table (epoch seconds). */
  public static final String DEAD_LETTER_TTL = "expiresAt";

  private DynamoSchema() {}

  /**
   * Creates each table that does not exist yet and waits until all are active. Existing tables are
   * left as they are (their shape is not checked). Safe to call concurrently.
   *
   * @throws DynamoStoreException if DynamoDB refuses a table or does not activate it
   */
  public static void createIfMissing(DynamoDbClient client, DynamoTables tables) {
    for (CreateTableRequest request : requests(tables)) {
      Items.sdk(
          "creating table " + request.tableName(),
          () -> {
            if (exists(client, request.tableName())) return null;
            try {
              client.createTable(request);
            } catch (ResourceInUseException createdMeanwhile) {
              // Another process created it between our check and our create: it exists now.
            }
            try (DynamoDbWaiter waiter = client.waiter()) {
              waiter
                  .waitUntilTableExists(
                      DescribeTableRequest.builder().tableName(request.tableName()).build())
                  .matched()
                  .exception()
                  .ifPresent(
                      e -> {
                        throw new DynamoStoreException(
                            "table " + request.tableName() + " did not become active", e);
                      });
            }
            return null;
          });
    }
    enableTtl(client, tables.deadLetters(), DEAD_LETTER_TTL);
    enableTtl(client, tables.budget(), DynamoBudgetLedger.TTL_ATTRIBUTE);
  }

  private static void enableTtl(DynamoDbClient client, String table, String attribute) {
    Items.sdk(
        "enabling TTL on " + table,
        () -> {
          var ttl =
              client
                  .describeTimeToLive(DescribeTimeToLiveRequest.builder().tableName(table).build())
                  .timeToLiveDescription();
          if (ttl == null || ttl.timeToLiveStatus() == TimeToLiveStatus.DISABLED) {
            client.updateTimeToLive(
                UpdateTimeToLiveRequest.builder()
                    .tableName(table)
                    .timeToLiveSpecification(
                        TimeToLiveSpecification.builder()
                            .attributeName(attribute)
                            .enabled(true)
                            .build())
                    .build());
          }
          return null;
        });
  }

  private static boolean exists(DynamoDbClient client, String table) {
    try {
      client.describeTable(DescribeTableRequest.builder().tableName(table).build());
      return true;
    } catch (ResourceNotFoundException absent) {
      return false;
    }
  }

  /** The table definitions, in creation order. */
  static List<CreateTableRequest> requests(DynamoTables tables) {
    return List.of(
        CreateTableRequest.builder()
            .tableName(tables.continuations())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(attribute(PK, ScalarAttributeType.S))
            .keySchema(hash(PK))
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.events())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK, ScalarAttributeType.S), attribute(SK, ScalarAttributeType.N))
            .keySchema(hash(PK), range(SK))
            .streamSpecification(
                StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_IMAGE)
                    .build())
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.idempotency())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(attribute(PK, ScalarAttributeType.S))
            .keySchema(hash(PK))
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.timers())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK, ScalarAttributeType.S),
                attribute(SK, ScalarAttributeType.S),
                attribute(DynamoTimerQueue.DUE_SHARD, ScalarAttributeType.N),
                attribute(DynamoTimerQueue.DUE_AT, ScalarAttributeType.N))
            .keySchema(hash(PK), range(SK))
            .globalSecondaryIndexes(
                GlobalSecondaryIndex.builder()
                    .indexName(DynamoTables.TIMERS_BY_DUE_INDEX)
                    .keySchema(hash(DynamoTimerQueue.DUE_SHARD), range(DynamoTimerQueue.DUE_AT))
                    .projection(
                        Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                    .build())
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.subscriptions())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK, ScalarAttributeType.S), attribute(SK, ScalarAttributeType.S))
            .keySchema(hash(PK), range(SK))
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.budget())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK, ScalarAttributeType.S), attribute(SK, ScalarAttributeType.S))
            .keySchema(hash(PK), range(SK))
            .build(),
        CreateTableRequest.builder()
            .tableName(tables.deadLetters())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK, ScalarAttributeType.S), attribute(SK, ScalarAttributeType.S))
            .keySchema(hash(PK), range(SK))
            .build());
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement hash(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
  }

  private static KeySchemaElement range(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
  }
}
