package dev.maestro.aws.dynamodb;

import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.conformance.BudgetLedgerContract;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The budget ledger contract against DynamoDB Local (in-process, in memory). One table set per
 * class: every test spends under its own tenant and continuations. A restart is a new ledger over
 * the same tables, as a new Lambda container would be.
 */
class DynamoBudgetLedgerTest extends BudgetLedgerContract.OnSharedStore {

  private static DynamoDbLocal dynamo;
  private static DynamoTables tables;

  @BeforeAll
  static void startDynamoDbLocal() {
    dynamo = DynamoDbLocal.start();
    tables = dynamo.freshTables("budget");
  }

  @AfterAll
  static void stopDynamoDbLocal() {
    if (dynamo != null) dynamo.close();
  }

  @Override
  protected BudgetLedger newLedger(Clock clock, Duration ttl) {
    return new DynamoBudgetLedger(dynamo.client(), tables, clock, ttl);
  }
}
