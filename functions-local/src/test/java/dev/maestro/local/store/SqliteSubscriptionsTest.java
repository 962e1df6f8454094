package dev.maestro.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.conformance.SubscriptionsContract;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscriptions contract against the embedded store, one fresh file per test, plus what only a
 * file shows: the index survives a reopen.
 */
class SqliteSubscriptionsTest extends SubscriptionsContract {

  @TempDir Path dir;

  private SqliteSubstrate open;

  @Override
  protected Subscriptions newSubscriptions() {
    open = SqliteSubstrate.open(dir.resolve("maestro.db"));
    return open.subscriptions();
  }

  @AfterEach
  void closeStore() {
    if (open != null) open.close();
  }

  @Test
  void givenASubscriptionAndAnUnsubscribe_whenTheStoreIsReopened_thenBothAreStillApplied() {
    newSubscriptions();
    var acme = TenantId.of("acme");
    var kept = new ContinuationRef(acme, ContinuationId.of("0190a1b2-0000-7000-8000-0000000000a1"));
    var gone = new ContinuationRef(acme, ContinuationId.of("0190a1b2-0000-7000-8000-0000000000a2"));
    open.subscriptions().subscribe(kept, Set.of("papers"), 3);
    open.subscriptions().subscribe(gone, Set.of("papers"), 3);
    open.subscriptions().unsubscribe(gone, 4);
    open.close();

    Subscriptions reopened = newSubscriptions();
    reopened.subscribe(gone, Set.of("papers"), 3);

    assertThat(reopened.subscribers(acme, "papers")).containsExactly(kept.id());
  }
}
