package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncContainer;
import dev.maestro.azure.cosmos.CosmosEmulator;
import dev.maestro.core.conformance.SubscriptionsContract;
import dev.maestro.core.stream.Subscriptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The subscriptions contract against {@link CosmosSubscriptions} on the npm Cosmos emulator. One
 * subscriptions container for the class: the contract's tenants never repeat.
 */
class CosmosSubscriptionsTest extends SubscriptionsContract {

  private static CosmosEmulator cosmos;
  private static CosmosAsyncContainer container;

  @BeforeAll
  static void start() {
    cosmos = CosmosEmulator.start();
    container =
        StreamContainers.subscriptions(
            cosmos.client(), StreamTestBed.freshContainers(cosmos, "subscriptions"));
  }

  @AfterAll
  static void stop() {
    if (cosmos != null) cosmos.close();
  }

  @Override
  protected Subscriptions newSubscriptions() {
    return new CosmosSubscriptions(container);
  }
}
