package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosContainerProperties;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosSchema;

/**
 * The one Cosmos DB container the stream functions add to the substrate's: {@code
 * <prefix>subscriptions}, partitioned on {@code /pk} like the others, holding the subscriptions
 * index ({@link CosmosSubscriptions}) and each continuation's CDC cursor (same partition as its
 * registry document).
 */
public final class StreamContainers {

  private StreamContainers() {}

  /** The subscriptions container's name for {@code containers}' prefix. */
  public static String subscriptions(CosmosContainers containers) {
    return containers.prefix() + "subscriptions";
  }

  /** The subscriptions container (no call to Cosmos DB). */
  public static CosmosAsyncContainer subscriptions(
      CosmosAsyncClient client, CosmosContainers containers) {
    return client.getDatabase(containers.database()).getContainer(subscriptions(containers));
  }

  /**
   * Creates the subscriptions container where it is missing (tests and local runs; deployments
   * create it with their infrastructure code). Idempotent.
   */
  public static void createIfMissing(CosmosAsyncClient client, CosmosContainers containers) {
    client
        .getDatabase(containers.database())
        .createContainerIfNotExists(
            new CosmosContainerProperties(
                subscriptions(containers), CosmosSchema.PARTITION_KEY_PATH))
        .block();
  }
}
