package dev.maestro.aws.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link DynamoDbLocal} for tests in other packages (the Lambda handlers): an in-process, in-memory
 * DynamoDB Local, with fresh table sets on demand. Start once per test class; it takes seconds.
 */
public final class DynamoDbLocalFixture implements AutoCloseable {

  private final DynamoDbLocal local;

  private DynamoDbLocalFixture(DynamoDbLocal local) {
    this.local = local;
  }

  /** Starts an in-memory instance. */
  public static DynamoDbLocalFixture start() {
    return new DynamoDbLocalFixture(DynamoDbLocal.start());
  }

  /** The client connected to the instance. */
  public DynamoDbClient client() {
    return local.client();
  }

  /** A table set no other test of this JVM uses, created and active. */
  public DynamoTables freshTables(String name) {
    return local.freshTables(name);
  }

  @Override
  public void close() {
    local.close();
  }
}
