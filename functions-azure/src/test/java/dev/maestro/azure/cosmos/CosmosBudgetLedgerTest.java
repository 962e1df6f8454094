package dev.maestro.azure.cosmos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLedger.Reservation;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.conformance.BudgetLedgerContract;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.substrate.EpochNanos;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The budget ledger contract against the Cosmos DB ledger on the npm Cosmos emulator (see {@link
 * CosmosEmulator}). One emulator and one database per class: every test spends under its own tenant
 * and continuations. A restart is a new ledger over the same container, as a new Functions host
 * would be. The concurrency tests race real threads on the same documents, so every cap is decided
 * by the emulator's {@code If-Match} checks.
 */
class CosmosBudgetLedgerTest extends BudgetLedgerContract.OnSharedStore {

  private static CosmosEmulator cosmos;
  private static CosmosContainers containers;

  @BeforeAll
  static void startEmulator() {
    cosmos = CosmosEmulator.start();
    containers = cosmos.freshContainers("budget");
  }

  @AfterAll
  static void stopEmulator() {
    if (cosmos != null) cosmos.close();
  }

  @Override
  protected BudgetLedger newLedger(Clock clock, Duration ttl) {
    return new CosmosBudgetLedger(cosmos.client(), containers, clock, ttl);
  }

  // ---- crashes between single-document writes (what no transaction covers here) ---------------

  @Test
  void givenASettlementThatCrashedAfterItsMarker_whenTheHoldsLapse_thenAReaderChargesThem() {
    ledger.limitTree(root, cap("1.00"));
    Reservation r = ledger.reserve(atRoot, usd("0.60"), 100);
    // The settling process wrote its outcome marker and died before touching any scope.
    ObjectNode marker = Docs.object();
    marker.put(Docs.ID, r.id());
    marker.put(Docs.PK, "rsv#" + tenant.value());
    marker.put(Docs.TENANT, tenant.value());
    marker.put(CosmosBudgetLedger.STATE, CosmosBudgetLedger.SETTLED);
    marker.put(CosmosBudgetLedger.USD, "0.45");
    marker.put(CosmosBudgetLedger.TOKENS, 80);
    marker.put(CosmosBudgetLedger.EXPIRES_AT_NS, EpochNanos.of(r.expiresAt()));
    budget().createItem(marker).block();
    assertThat(ledger.status(ScopeKey.tree(root)).reservedUsd()).isEqualByComparingTo("0.60");

    clock.advance(TTL);

    for (ScopeKey scope : r.scopes()) {
      var s = ledger.status(scope);
      assertThat(s.settledUsd()).as("%s", scope).isEqualByComparingTo("0.45");
      assertThat(s.settledTokens()).isEqualTo(80);
      assertThat(s.calls()).isEqualTo(1);
      assertThat(s.reservedUsd()).isEqualByComparingTo("0");
    }
    assertThatThrownBy(() -> ledger.settle(r, usd("0.45"), 80))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ledger.status(ScopeKey.tree(root)).settledUsd()).isEqualByComparingTo("0.45");
  }

  @Test
  void givenAReservationThatCrashedBetweenScopes_whenItsTtlPasses_thenItsHoldStopsCounting() {
    ledger.limitContinuation(root, cap("1.00"));
    Reservation r = ledger.reserve(atRoot, usd("1.00"), 0);
    // As if the reserving process died after holding the continuation, before the other scopes.
    for (ScopeKey scope : r.scopes().subList(1, 3)) {
      ObjectNode doc =
          budget()
              .readItem(
                  "totals",
                  new com.azure.cosmos.models.PartitionKey(CosmosBudgetLedger.scopePk(scope)),
                  ObjectNode.class)
              .block()
              .getItem();
      ((ObjectNode) doc.get(CosmosBudgetLedger.HOLDS)).remove(r.id());
      Docs.stripSystemFields(doc);
      budget().upsertItem(doc).block();
    }
    assertThatThrownBy(() -> ledger.reserve(atRoot, usd("0.01"), 0))
        .isInstanceOf(BudgetExceededException.class);

    clock.advance(TTL);

    assertThat(ledger.reserve(atRoot, usd("1.00"), 0)).isNotNull();
    // The crashed reservation can still be settled late, within what is free (nothing here).
    assertThat(ledger.settle(r, usd("1.00"), 0).chargedUsd()).isEqualByComparingTo("0");
  }

  private static com.azure.cosmos.CosmosAsyncContainer budget() {
    return cosmos.client().getDatabase(containers.database()).getContainer(containers.budget());
  }
}
