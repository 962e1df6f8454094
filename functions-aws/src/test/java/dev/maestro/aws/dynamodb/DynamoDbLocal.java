package dev.maestro.aws.dynamodb;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local running in this JVM (in memory), for tests. It implements DynamoDB's API,
 * conditional writes, transactions and streams, but not AWS's latency, throttling or index
 * propagation delay: tests against it check semantics, not cloud behaviour.
 */
final class DynamoDbLocal implements AutoCloseable {

  private static final AtomicInteger TABLE_SETS = new AtomicInteger();

  private final AmazonDynamoDBLocal local;
  private final DynamoDbClient client;
  private final Duration startTime;

  private DynamoDbLocal(AmazonDynamoDBLocal local, Duration startTime) {
    this.local = local;
    this.client = local.dynamoDbClient();
    this.startTime = startTime;
  }

  /** Starts an in-memory instance; call once per test class (it takes seconds). */
  static DynamoDbLocal start() {
    long started = System.nanoTime();
    // true disables DynamoDB Local's start-up telemetry: tests must not phone home.
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    var instance = new DynamoDbLocal(local, Duration.ofNanos(System.nanoTime() - started));
    System.out.println("DynamoDB Local started in " + instance.startTime.toMillis() + " ms");
    return instance;
  }

  DynamoDbClient client() {
    return client;
  }

  /** A table set no other test of this JVM uses, created and active. */
  DynamoTables freshTables(String name) {
    var tables = new DynamoTables(name + "-" + TABLE_SETS.incrementAndGet() + "-");
    DynamoSchema.createIfMissing(client, tables);
    return tables;
  }

  @Override
  public void close() {
    client.close();
    local.shutdown();
  }
}
