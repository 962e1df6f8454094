package dev.maestro.azure.cdc;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.CosmosDBTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.azure.streams.StreamResources;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * CDC as an Azure Function: a Cosmos DB trigger on the {@code continuations} container (not the
 * {@code events} container; see {@link ContinuationCdc} for why), handing each batch of changed
 * documents to {@link ContinuationCdc}. A failure throws; the function's retry policy retries the
 * batch with exponential backoff, and should the host give up, the continuation's next change
 * catches up from its cursor.
 *
 * <p>App settings: {@code MAESTRO_COSMOS_CONNECTION} (the account's connection string, for the
 * trigger), {@code MAESTRO_COSMOS_DATABASE}, {@code MAESTRO_CONTINUATIONS_CONTAINER} (the
 * continuations container's full name, prefix included), {@code MAESTRO_CDC_LEASES_CONTAINER} (the
 * trigger's lease container, created if missing), and those of {@link AzureRuntime} and {@link
 * StreamResources}.
 */
public final class CdcFunction {

  private static final class Container {
    static final ContinuationCdc CDC =
        ContinuationCdc.of(
            AzureRuntime.container().substrate().events(),
            StreamResources.container(),
            AzureRuntime.container().clock());
  }

  private final Supplier<ContinuationCdc> cdc;

  /** The Functions host's constructor: the app instance's shared wiring. */
  public CdcFunction() {
    this(() -> Container.CDC);
  }

  public CdcFunction(Supplier<ContinuationCdc> cdc) {
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
      ExecutionContext context) {
    cdc.get().process(documents);
  }
}
