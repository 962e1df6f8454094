package dev.maestro.azure.foundry;

import dev.maestro.core.dispatch.OpenAiProvider.TokenLimitField;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Foundry provider's app settings, read once per Function App instance, and the provider built
 * from them. A missing or malformed setting fails with an {@link IllegalStateException} that names
 * it. Settings (app settings arrive as environment variables):
 *
 * <ul>
 *   <li>{@value #ENDPOINT} (required): the resource endpoint, e.g. {@code
 *       https://NAME.openai.azure.com} or {@code https://NAME.services.ai.azure.com}.
 *   <li>{@value #MODE}: {@code deployments} (default; {@code /openai/deployments/{deployment}/...})
 *       or {@code models} (the model inference endpoint, {@code /models/chat/completions}).
 *   <li>{@value #API_VERSION}: the {@code api-version} query value; default {@value
 *       #DEPLOYMENTS_API_VERSION} for deployments, {@value #MODELS_API_VERSION} for models.
 *   <li>{@value #TOKEN_FIELD}: {@code max_completion_tokens} (default for deployments) or {@code
 *       max_tokens} (default for models, and for deployments of models that only know it).
 *   <li>{@value #TIMEOUT_SECONDS}: the per-call HTTP timeout; default 60.
 *   <li>{@value #CLIENT_ID}: the client id of a user-assigned managed identity; absent, the
 *       system-assigned identity is used.
 * </ul>
 */
public record FoundrySettings(
    URI endpoint,
    FoundryChatProvider.Mode mode,
    String apiVersion,
    TokenLimitField tokenLimitField,
    Duration timeout,
    String managedIdentityClientId) {

  /** The resource endpoint setting (required). */
  public static final String ENDPOINT = "MAESTRO_FOUNDRY_ENDPOINT";

  /** The request form setting: {@code deployments} or {@code models}. */
  public static final String MODE = "MAESTRO_FOUNDRY_MODE";

  /** The {@code api-version} setting. */
  public static final String API_VERSION = "MAESTRO_FOUNDRY_API_VERSION";

  /** The output-cap field setting: {@code max_completion_tokens} or {@code max_tokens}. */
  public static final String TOKEN_FIELD = "MAESTRO_FOUNDRY_TOKEN_FIELD";

  /** The per-call timeout setting, in seconds. */
  public static final String TIMEOUT_SECONDS = "MAESTRO_FOUNDRY_TIMEOUT_SECONDS";

  /** The user-assigned managed identity's client id (the Azure SDKs' own name for it). */
  public static final String CLIENT_ID = "AZURE_CLIENT_ID";

  /** The Azure OpenAI data-plane GA version used when none is set. */
  public static final String DEPLOYMENTS_API_VERSION = "2024-10-21";

  /** The model inference API version used when none is set. */
  public static final String MODELS_API_VERSION = "2024-05-01-preview";

  public FoundrySettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(tokenLimitField, "tokenLimitField");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The settings in {@code settings} (the environment, in a Function App). */
  public static FoundrySettings from(Map<String, String> settings) {
    URI endpoint = endpoint(required(settings, ENDPOINT));
    FoundryChatProvider.Mode mode =
        switch (optional(settings, MODE, "deployments").toLowerCase(Locale.ROOT)) {
          case "deployments" -> FoundryChatProvider.Mode.DEPLOYMENTS;
          case "models" -> FoundryChatProvider.Mode.MODELS;
          default -> throw invalid(MODE, settings.get(MODE), "expected 'deployments' or 'models'");
        };
    boolean deployments = mode == FoundryChatProvider.Mode.DEPLOYMENTS;
    String apiVersion =
        optional(settings, API_VERSION, deployments ? DEPLOYMENTS_API_VERSION : MODELS_API_VERSION);
    TokenLimitField field =
        switch (optional(
                settings, TOKEN_FIELD, deployments ? "max_completion_tokens" : "max_tokens")
            .toLowerCase(Locale.ROOT)) {
          case "max_completion_tokens" -> TokenLimitField.MAX_COMPLETION_TOKENS;
          case "max_tokens" -> TokenLimitField.MAX_TOKENS;
          default ->
              throw invalid(
                  TOKEN_FIELD,
                  settings.get(TOKEN_FIELD),
                  "expected 'max_completion_tokens' or 'max_tokens'");
        };
    Duration timeout;
    try {
      timeout = Duration.ofSeconds(Long.parseLong(optional(settings, TIMEOUT_SECONDS, "60")));
    } catch (NumberFormatException e) {
      throw invalid(TIMEOUT_SECONDS, settings.get(TIMEOUT_SECONDS), "expected whole seconds");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw invalid(TIMEOUT_SECONDS, settings.get(TIMEOUT_SECONDS), "expected a positive number");
    }
    String clientId = settings.get(CLIENT_ID);
    return new FoundrySettings(
        endpoint,
        mode,
        apiVersion,
        field,
        timeout,
        clientId == null || clientId.isBlank() ? null : clientId.strip());
  }

  /** The provider these settings describe, authenticating as the managed identity. */
  public FoundryChatProvider provider() {
    return provider(EntraTokenSource.managedIdentity(managedIdentityClientId));
  }

  /** The provider these settings describe, with bearer tokens from {@code tokens}. */
  public FoundryChatProvider provider(EntraTokenSource tokens) {
    return new FoundryChatProvider(
        endpoint,
        mode,
        apiVersion,
        tokenLimitField,
        tokens,
        HttpClient.newBuilder().connectTimeout(timeout).build(),
        timeout);
  }

  private static URI endpoint(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw invalid(ENDPOINT, value, "not a URL");
    }
    if (uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
        || uri.getQuery() != null) {
      throw invalid(ENDPOINT, value, "expected https://NAME.openai.azure.com or similar");
    }
    return uri;
  }

  private static String required(Map<String, String> settings, String name) {
    String value = settings.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "app setting " + name + " is not set: the Foundry provider needs it");
    }
    return value;
  }

  private static String optional(Map<String, String> settings, String name, String fallback) {
    String value = settings.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static IllegalStateException invalid(String name, String value, String expected) {
    return new IllegalStateException("app setting " + name + "='" + value + "': " + expected);
  }
}
