package dev.maestro.azure.cosmos;

import dev.maestro.core.conformance.SubstrateConformanceKit;
import dev.maestro.core.substrate.Substrate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance kit against the Cosmos DB substrate on the npm Cosmos emulator (see {@link
 * CosmosEmulator}), not on Azure. One emulator per class; every test gets a database of its own, so
 * the tests that need to see the whole store (the earliest due timer) run too. A restart is a new
 * substrate over the same containers, as a new Functions host would be.
 */
class CosmosConformanceTest extends SubstrateConformanceKit {

  private static CosmosEmulator cosmos;

  private CosmosContainers containers;

  @BeforeAll
  static void startEmulator() {
    cosmos = CosmosEmulator.start();
  }

  @AfterAll
  static void stopEmulator() {
    if (cosmos != null) cosmos.close();
  }

  @Override
  protected Substrate newSubstrate() {
    containers = cosmos.freshContainers("kit");
    return new CosmosSubstrate(cosmos.client(), containers).substrate();
  }

  @Override
  protected Substrate reopen() {
    return new CosmosSubstrate(cosmos.client(), containers).substrate();
  }
}
