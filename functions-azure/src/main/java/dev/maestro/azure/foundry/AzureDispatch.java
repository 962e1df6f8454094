package dev.maestro.azure.foundry;

import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.ModelProvider;
import dev.maestro.core.dispatch.ProviderSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The model dispatch of an Azure function: Foundry chat completions first when {@value
 * FoundrySettings#ENDPOINT} is set (tokens from the app's managed identity), then the providers the
 * core builds from the environment (Anthropic and OpenAI when keyed, the offline local provider),
 * over the standard tier routes with failover and a circuit breaker per provider.
 */
public final class AzureDispatch {

  private AzureDispatch() {}

  /**
   * The dispatch for an app configured by {@code settings}.
   *
   * @throws IllegalStateException naming the setting when a Foundry setting is malformed
   */
  public static FailoverDispatch fromEnvironment(Map<String, String> settings, Clock clock) {
    String endpoint = settings.get(FoundrySettings.ENDPOINT);
    List<ModelProvider> foundry =
        endpoint == null || endpoint.isBlank()
            ? List.of()
            : List.of(FoundrySettings.from(settings).provider());
    return ProviderSettings.dispatch(settings, foundry, clock);
  }
}
