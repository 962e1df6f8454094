package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.microsoft.durabletask.DurableTaskClient;
import dev.maestro.azure.cosmos.CosmosSubstrate;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamIngest;
import java.util.Map;
import java.util.Objects;

/**
 * What the stream and CDC functions of one app instance share beyond {@link AzureRuntime}, built
 * once: the subscriptions container, the dead-letter queue and the blob container of fact rows. A
 * {@link StreamIngest} is made per invocation, because its wakes go through that invocation's
 * Durable client binding.
 *
 * @param subscriptions the Cosmos DB container of the subscriptions index and the CDC cursors
 * @param deadLetters where poison records go
 * @param facts the blob container of the hourly fact-row blobs
 */
public record StreamResources(
    CosmosAsyncContainer subscriptions, DeadLetters deadLetters, BlobContainerClient facts) {

  /** The dead-letter queue's default name. */
  public static final String DEFAULT_DEAD_LETTER_QUEUE = "maestro-dead-letters";

  /** The fact-row blob container's default name. */
  public static final String DEFAULT_FACTS_CONTAINER = "maestro-facts";

  public StreamResources {
    Objects.requireNonNull(subscriptions, "subscriptions");
    Objects.requireNonNull(deadLetters, "deadLetters");
    Objects.requireNonNull(facts, "facts");
  }

  private static volatile StreamResources container;

  /** The app instance's resources, built on first use from the process environment. */
  public static StreamResources container() {
    StreamResources resources = container;
    if (resources != null) return resources;
    synchronized (StreamResources.class) {
      if (container == null)
        container = fromEnvironment(AzureRuntime.container().cosmos(), System.getenv());
      return container;
    }
  }

  /**
   * Builds the resources from {@code env}; a missing variable is named in the error.
   *
   * <ul>
   *   <li>the Cosmos DB account and containers of {@code cosmos} (the runtime's, so the app
   *       instance has one Cosmos client);
   *   <li>{@code MAESTRO_STORAGE_CONNECTION} (default: {@code AzureWebJobsStorage}): the Storage
   *       account of the dead-letter queue and the fact blobs.
   *   <li>{@code MAESTRO_DEAD_LETTER_QUEUE} (default {@value #DEFAULT_DEAD_LETTER_QUEUE}), {@code
   *       MAESTRO_FACTS_CONTAINER} (default {@value #DEFAULT_FACTS_CONTAINER}).
   * </ul>
   */
  static StreamResources fromEnvironment(CosmosSubstrate cosmos, Map<String, String> env) {
    String storage = env.get("MAESTRO_STORAGE_CONNECTION");
    if (storage == null || storage.isBlank()) {
      storage =
          required(
              env,
              "AzureWebJobsStorage",
              "the Storage connection string (or set MAESTRO_STORAGE_CONNECTION)");
    }
    QueueClient queue =
        new QueueClientBuilder()
            .connectionString(storage)
            .queueName(env.getOrDefault("MAESTRO_DEAD_LETTER_QUEUE", DEFAULT_DEAD_LETTER_QUEUE))
            .buildClient();
    BlobContainerClient facts =
        new BlobServiceClientBuilder()
            .connectionString(storage)
            .buildClient()
            .getBlobContainerClient(
                env.getOrDefault("MAESTRO_FACTS_CONTAINER", DEFAULT_FACTS_CONTAINER));
    return new StreamResources(
        StreamContainers.subscriptions(cosmos.client(), cosmos.containers()),
        new StorageQueueDeadLetters(queue),
        facts);
  }

  /**
   * The ingest for one invocation: fan-out through the subscriptions index, wakes registered with
   * {@code runtime}'s Durable scheduler over {@code client} (a wake due now raises the
   * continuation's orchestration's {@code wake} event), poison records to the dead-letter queue.
   */
  public StreamIngest ingest(AzureRuntime runtime, DurableTaskClient client) {
    return new StreamIngest(
        new CosmosSubscriptions(subscriptions),
        new SchedulerWakeSink(runtime.scheduler(client), runtime.clock()),
        deadLetters);
  }

  private static String required(Map<String, String> env, String name, String what) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " must be set: " + what);
    }
    return value;
  }
}
