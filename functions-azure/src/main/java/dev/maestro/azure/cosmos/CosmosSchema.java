package dev.maestro.azure.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncDatabase;
import com.azure.cosmos.models.CosmosContainerProperties;
import java.util.Objects;

/**
 * Creates the database and containers {@link CosmosSubstrate} and {@link CosmosBudgetLedger}
 * expect, each partitioned on {@code /pk}, where they are missing (for tests and local runs;
 * deployments create them with their infrastructure code). Idempotent.
 */
public final class CosmosSchema {

  /** The partition key path of every container. */
  public static final String PARTITION_KEY_PATH = "/pk";

  private CosmosSchema() {}

  /** Creates whatever of {@code containers} is missing; leaves existing ones as they are. */
  public static void createIfMissing(CosmosAsyncClient client, CosmosContainers containers) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(containers, "containers");
    Docs.call(
        "creating the database " + containers.database(),
        () -> client.createDatabaseIfNotExists(containers.database()).block());
    CosmosAsyncDatabase database = client.getDatabase(containers.database());
    for (String name : containers.all()) {
      var properties = new CosmosContainerProperties(name, PARTITION_KEY_PATH);
      // Per-item TTL on, no default: the budget ledger's reservation markers expire themselves.
      if (name.equals(containers.budget())) properties.setDefaultTimeToLiveInSeconds(-1);
      Docs.call(
          "creating the container " + name,
          () -> database.createContainerIfNotExists(properties).block());
    }
  }
}
