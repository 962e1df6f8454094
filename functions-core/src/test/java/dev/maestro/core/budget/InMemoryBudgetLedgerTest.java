package dev.maestro.core.budget;

import dev.maestro.core.conformance.BudgetLedgerContract;
import java.time.Clock;
import java.time.Duration;

/** The budget ledger contract against the in-memory ledger. */
class InMemoryBudgetLedgerTest extends BudgetLedgerContract {

  @Override
  protected BudgetLedger newLedger(Clock clock, Duration ttl) {
    return new InMemoryBudgetLedger(clock, ttl);
  }
}
