package dev.maestro.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.conformance.BudgetLedgerContract;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget ledger contract against SQLite, one fresh file per test; reopen is a new process. */
class SqliteBudgetLedgerTest extends BudgetLedgerContract {

  @TempDir Path dir;

  private SqliteSubstrate open;

  @Override
  protected BudgetLedger newLedger(Clock clock, Duration ttl) {
    open = SqliteSubstrate.open(dir.resolve("maestro.db"));
    return open.budgets(clock, ttl);
  }

  @Override
  protected BudgetLedger reopen(Clock clock, Duration ttl) {
    open.close();
    return newLedger(clock, ttl);
  }

  @Override
  protected void closeLedger() {
    if (open != null) open.close();
  }

  @Test
  void givenTwoProcessesOnOneFile_whenBothSpend_thenTheySerializeOnTheCap() {
    ledger.limitTree(root, cap("1.00"));
    try (SqliteSubstrate second = SqliteSubstrate.open(dir.resolve("maestro.db"))) {
      BudgetLedger other = second.budgets(clock, TTL);
      other.reserve(atChild, usd("0.60"), 0);

      assertThat(ledger.status(atRoot).get(1).reservedUsd()).isEqualByComparingTo("0.60");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> ledger.reserve(atRoot, usd("0.41"), 0))
          .isInstanceOf(dev.maestro.core.error.BudgetExceededException.class);
    }
  }

  @Test
  void givenAnAlertClaimed_whenTheTableIsQueried_thenItIsARowWithoutTheCli() throws Exception {
    ledger.claimAlert(
        new dev.maestro.core.budget.BudgetAlert(
            tenant, java.time.LocalDate.parse("2026-11-23"), 50, usd("5"), usd("10"), START));

    int rows;
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + open.file());
        ResultSet rs =
            connection
                .createStatement()
                .executeQuery("SELECT count(*) FROM budget_alerts WHERE threshold = 50")) {
      rows = rs.next() ? rs.getInt(1) : 0;
    }
    assertThat(rows).isEqualTo(1);
  }
}
