package dev.maestro.azure.foundry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.dispatch.OpenAiProvider.TokenLimitField;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FoundrySettings} read from app-setting maps: defaults per request form, overrides, the
 * user-assigned identity's client id, and errors naming the setting at fault. Nothing is called;
 * the provider built from real settings is exercised in {@link EntraManagedIdentityTokenFlowTest}.
 */
class FoundrySettingsTest {

  @Test
  void givenOnlyTheEndpoint_whenRead_thenDeploymentsWithTheGaVersionAndSystemIdentityAreUsed() {
    var settings =
        FoundrySettings.from(Map.of("MAESTRO_FOUNDRY_ENDPOINT", "https://acme.openai.azure.com"));

    assertThat(settings.endpoint()).isEqualTo(URI.create("https://acme.openai.azure.com"));
    assertThat(settings.mode()).isEqualTo(FoundryChatProvider.Mode.DEPLOYMENTS);
    assertThat(settings.apiVersion()).isEqualTo("2024-10-21");
    assertThat(settings.tokenLimitField()).isEqualTo(TokenLimitField.MAX_COMPLETION_TOKENS);
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.managedIdentityClientId()).isNull();
  }

  @Test
  void givenModelsMode_whenRead_thenTheModelInferenceDefaultsAreUsed() {
    var settings =
        FoundrySettings.from(
            Map.of(
                "MAESTRO_FOUNDRY_ENDPOINT", "https://acme.services.ai.azure.com",
                "MAESTRO_FOUNDRY_MODE", "Models"));

    assertThat(settings.mode()).isEqualTo(FoundryChatProvider.Mode.MODELS);
    assertThat(settings.apiVersion()).isEqualTo("2024-05-01-preview");
    assertThat(settings.tokenLimitField()).isEqualTo(TokenLimitField.MAX_TOKENS);
  }

  @Test
  void givenEveryOverride_whenRead_thenEachIsTaken() {
    var settings =
        FoundrySettings.from(
            Map.of(
                "MAESTRO_FOUNDRY_ENDPOINT", "https://acme.openai.azure.com/",
                "MAESTRO_FOUNDRY_MODE", "deployments",
                "MAESTRO_FOUNDRY_API_VERSION", "2025-01-01-preview",
                "MAESTRO_FOUNDRY_TOKEN_FIELD", "max_tokens",
                "MAESTRO_FOUNDRY_TIMEOUT_SECONDS", "20",
                "AZURE_CLIENT_ID", " 5e7c1a2b-0000-4000-8000-00000000c1d0 "));

    assertThat(settings.apiVersion()).isEqualTo("2025-01-01-preview");
    assertThat(settings.tokenLimitField()).isEqualTo(TokenLimitField.MAX_TOKENS);
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.managedIdentityClientId())
        .isEqualTo("5e7c1a2b-0000-4000-8000-00000000c1d0");
  }

  @Test
  void givenNoEndpoint_whenRead_thenTheErrorNamesTheSetting() {
    assertThatThrownBy(() -> FoundrySettings.from(Map.of("MAESTRO_FOUNDRY_MODE", "models")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_FOUNDRY_ENDPOINT is not set");
  }

  @Test
  void givenAnEndpointThatIsNotAUrl_whenRead_thenTheErrorNamesTheSetting() {
    assertThatThrownBy(
            () -> FoundrySettings.from(Map.of("MAESTRO_FOUNDRY_ENDPOINT", "acme.openai.azure.com")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_FOUNDRY_ENDPOINT='acme.openai.azure.com'");
  }

  @Test
  void givenAnUnknownMode_whenRead_thenTheErrorNamesTheSettingAndTheChoices() {
    assertThatThrownBy(
            () ->
                FoundrySettings.from(
                    Map.of(
                        "MAESTRO_FOUNDRY_ENDPOINT", "https://acme.openai.azure.com",
                        "MAESTRO_FOUNDRY_MODE", "assistants")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_FOUNDRY_MODE='assistants'")
        .hasMessageContaining("'deployments' or 'models'");
  }

  @Test
  void givenABadTokenFieldOrTimeout_whenRead_thenTheErrorNamesTheSetting() {
    assertThatThrownBy(
            () ->
                FoundrySettings.from(
                    Map.of(
                        "MAESTRO_FOUNDRY_ENDPOINT", "https://acme.openai.azure.com",
                        "MAESTRO_FOUNDRY_TOKEN_FIELD", "max_output_tokens")))
        .hasMessageContaining("MAESTRO_FOUNDRY_TOKEN_FIELD");
    assertThatThrownBy(
            () ->
                FoundrySettings.from(
                    Map.of(
                        "MAESTRO_FOUNDRY_ENDPOINT", "https://acme.openai.azure.com",
                        "MAESTRO_FOUNDRY_TIMEOUT_SECONDS", "soon")))
        .hasMessageContaining("MAESTRO_FOUNDRY_TIMEOUT_SECONDS");
  }
}
