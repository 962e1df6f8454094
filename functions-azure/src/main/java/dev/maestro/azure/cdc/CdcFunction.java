package dev.maestro.azure.cdc;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.CosmosDBTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.azure.streams.StreamResources;
import dev.maestro.core.stream.SchedulerWakeSink;
import java.util.Objects;
import java.util.function.Function;

/**
 * CDC as an Azure Function: a Cosmos DB trigger on the {@code continuations} container (not the
 * {@code events} container; see {@link ContinuationCdc} for why), handing each batch of changed
 * documents to {@link ContinuationCdc}, which wakes the subscribers of published tags through the
 * invocation's Durable client. A failure throws; the function's retry policy retries the batch with
 * exponential backoff, and should the host give up, the continuation's next change catches up from
 * its cursor.
 *
 * <p>App settings: {@code MAESTRO_COSMOS_CONNECTION} (the account's connection string, for the
 * trigger), {@code MAESTRO_COSMOS_DATABASE}, {@code MAESTRO_CONTINUATIONS_CONTAINER} (the
 * continuations container's full name, prefix included), {@code MAESTRO_CDC_LEASES_CONTAINER} (the
 * trigger's lease container, created if missing), and those of {@link AzureRuntime} and {@link
 * StreamResources}.
 */
public final class CdcFunction {

  private final Function<DurableTaskClient, ContinuationCdc> cdc;

  /** The Functions host's constructor: the app instance's shared wiring. */
  public CdcFunction() {
    this(
        client -> {
          AzureRuntime runtime = AzureRuntime.container();
          return ContinuationCdc.of(
              runtime.substrate().events(),
              StreamResources.container(),
              new SchedulerWakeSink(runtime.scheduler(client), runtime.clock()),
              runtime.clock());
        });
  }

  /**
   * @param cdc the CDC of one invocation, given its Durable client
   */
  public CdcFunction(Function<DurableTaskClient, ContinuationCdc> cdc) {
    this.cdc = Objects.requireNonNull(cdc, "cdc");
  }

  @FunctionName("cdc")
  @ExponentialBackoffRetry(
      maxRetryCount = 10,
      minimumInterval = "00:00:02",
      maximumInterval = "00:05:00")
  public void run(
      @CosmosDBTrigger(
              name = "documents",
              databaseName = "%MAESTRO_COSMOS_DATABASE%",
              containerName = "%MAESTRO_CONTINUATIONS_CONTAINER%",
              leaseContainerName = "%MAESTRO_CDC_LEASES_CONTAINER%",
              createLeaseContainerIfNotExists = true,
              connection = "MAESTRO_COSMOS_CONNECTION")
          String documents,
      @DurableClientInput(name = "durableContext") DurableClientContext durableContext,
      ExecutionContext context) {
    accept(documents, durableContext.getClient());
  }

  /** Processes one batch of changed documents; throws when it must be retried. */
  public int accept(String documents, DurableTaskClient client) {
    return cdc.apply(client).process(documents);
  }
}
