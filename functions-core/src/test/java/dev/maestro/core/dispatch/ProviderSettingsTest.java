package dev.maestro.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.TenantId;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which providers a runtime's environment configures, and the dispatch over them. */
class ProviderSettingsTest {

  private static final TenantId ACME = TenantId.of("acme");

  @Test
  void givenBothKeys_whenBuilt_thenAnthropicOpenAiAndLocalAreConfiguredInThatOrder() {
    List<ModelProvider> providers =
        ProviderSettings.fromEnvironment(
            Map.of(
                ProviderSettings.ANTHROPIC_API_KEY, "k1", ProviderSettings.OPENAI_API_KEY, "k2"));

    assertThat(providers)
        .extracting(ModelProvider::name)
        .containsExactly("anthropic", "openai", "local");
  }

  @Test
  void givenNoKeys_whenBuilt_thenOnlyTheLocalProviderIsConfigured() {
    assertThat(ProviderSettings.fromEnvironment(Map.of(ProviderSettings.OPENAI_API_KEY, " ")))
        .extracting(ModelProvider::name)
        .containsExactly("local");
  }

  @Test
  void
      givenNoCloudProviderAndNoKeys_whenASonnetCallIsMade_thenEveryRouteIsRecordedAsNotConfigured() {
    FailoverDispatch d = ProviderSettings.dispatch(Map.of(), List.of(), Clock.systemUTC());

    assertThatThrownBy(() -> d.call(ACME, WireRequests.simple()))
        .isInstanceOf(DispatchFailedException.class)
        .hasMessageContaining("bedrock:not-configured")
        .hasMessageContaining("anthropic:not-configured");
    ModelDispatch.Response local =
        d.call(
            ACME,
            new ModelDispatch.Request(
                "c1",
                "local",
                List.of(new ModelDispatch.Message("user", "[1] Cows eat grass.")),
                50));
    assertThat(local.provider()).isEqualTo("local");
  }
}
