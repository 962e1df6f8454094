package dev.maestro.aws.streams;

import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.conformance.SubscriptionsContract;
import dev.maestro.core.stream.Subscriptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The subscriptions contract against {@link DynamoSubscriptions} on DynamoDB Local (in-process, in
 * memory). One table set for the class: the contract's tenants never repeat.
 */
class DynamoSubscriptionsTest extends SubscriptionsContract {

  private static DynamoDbLocalFixture dynamo;
  private static DynamoTables tables;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocalFixture.start();
    tables = dynamo.freshTables("subscriptions");
  }

  @AfterAll
  static void stopDynamo() {
    if (dynamo != null) dynamo.close();
  }

  @Override
  protected Subscriptions newSubscriptions() {
    return new DynamoSubscriptions(dynamo.client(), tables);
  }
}
