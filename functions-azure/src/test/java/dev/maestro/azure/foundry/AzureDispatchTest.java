package dev.maestro.azure.foundry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.dispatch.CircuitBreaker;
import dev.maestro.core.dispatch.FailoverDispatch;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model dispatch an Azure app builds from its settings (no call is made). */
class AzureDispatchTest {

  @Test
  void givenAFoundryEndpoint_whenBuilt_thenFoundryComesFirstWithTheLocalProviderBehind() {
    FailoverDispatch d =
        AzureDispatch.fromEnvironment(
            Map.of(FoundrySettings.ENDPOINT, "https://maestro.openai.azure.com"),
            Clock.systemUTC());

    assertThat(d.breakerState("foundry")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(d.breakerState("local")).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void givenNoFoundryEndpoint_whenBuilt_thenFoundryIsNotConfigured() {
    FailoverDispatch d = AzureDispatch.fromEnvironment(Map.of(), Clock.systemUTC());

    assertThatThrownBy(() -> d.breakerState("foundry")).hasMessageContaining("no provider named");
  }

  @Test
  void givenAMalformedFoundrySetting_whenBuilt_thenTheErrorNamesIt() {
    assertThatThrownBy(
            () ->
                AzureDispatch.fromEnvironment(
                    Map.of(
                        FoundrySettings.ENDPOINT,
                        "https://maestro.openai.azure.com",
                        FoundrySettings.MODE,
                        "sideways"),
                    Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(FoundrySettings.MODE);
  }
}
