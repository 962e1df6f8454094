package dev.maestro.aws.dynamodb;

import dev.maestro.core.conformance.SubstrateConformanceKit;
import dev.maestro.core.substrate.Substrate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance kit against the DynamoDB substrate on DynamoDB Local (in-process, in
 * memory), not on AWS. One DynamoDB Local per class; every test gets its own set of tables, so the
 * tests that need to see the whole store (the earliest due timer) run too. A restart is a new
 * substrate over the same tables, as a new Lambda container would be.
 */
class DynamoConformanceTest extends SubstrateConformanceKit {

  private static DynamoDbLocal dynamo;

  private DynamoTables tables;

  @BeforeAll
  static void startDynamoDbLocal() {
    dynamo = DynamoDbLocal.start();
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    if (dynamo != null) dynamo.close();
  }

  @Override
  protected Substrate newSubstrate() {
    tables = dynamo.freshTables("kit");
    return new DynamoSubstrate(dynamo.client(), tables).substrate();
  }

  @Override
  protected Substrate reopen() {
    return new DynamoSubstrate(dynamo.client(), tables).substrate();
  }
}
