package dev.maestro.core.dispatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model providers a runtime builds from its environment, and the failover dispatch over them.
 * The core knows the providers it speaks itself: Anthropic ({@value #ANTHROPIC_API_KEY}) and OpenAI
 * ({@value #OPENAI_API_KEY}) when their keys are set, and the offline {@code local} provider
 * always; each cloud adapter adds its own (Bedrock on AWS, Foundry on Azure). A route whose
 * provider is not configured is skipped and recorded as such on the {@code model_call} event.
 */
public final class ProviderSettings {

  /** Anthropic's API key; the provider is configured when it is set. */
  public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";

  /** Anthropic's base URL (default {@code https://api.anthropic.com}). */
  public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";

  /** OpenAI's API key; the provider is configured when it is set. */
  public static final String OPENAI_API_KEY = "OPENAI_API_KEY";

  /** OpenAI's base URL (default {@code https://api.openai.com}). */
  public static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";

  /** Consecutive retryable failures that open a provider's circuit. */
  public static final int FAILURE_THRESHOLD = 3;

  /** How long an open circuit waits before one trial call. */
  public static final Duration COOL_DOWN = Duration.ofSeconds(30);

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private ProviderSettings() {}

  /** The providers the core can build from {@code env}: Anthropic, OpenAI (when keyed), local. */
  public static List<ModelProvider> fromEnvironment(Map<String, String> env) {
    var providers = new ArrayList<ModelProvider>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String anthropic = env.get(ANTHROPIC_API_KEY);
    if (anthropic != null && !anthropic.isBlank()) {
      providers.add(
          new AnthropicProvider(
              "anthropic",
              URI.create(env.getOrDefault(ANTHROPIC_BASE_URL, "https://api.anthropic.com")),
              anthropic,
              http,
              TIMEOUT));
    }
    String openai = env.get(OPENAI_API_KEY);
    if (openai != null && !openai.isBlank()) {
      providers.add(
          new OpenAiProvider(
              "openai",
              URI.create(env.getOrDefault(OPENAI_BASE_URL, "https://api.openai.com")),
              openai,
              OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS,
              http,
              TIMEOUT));
    }
    providers.add(new LocalProvider());
    return providers;
  }

  /**
   * The failover dispatch of a runtime configured by {@code env}: the standard tier routes over
   * {@code cloudProviders} (first) and the core's providers, with a circuit breaker each.
   */
  public static FailoverDispatch dispatch(
      Map<String, String> env, List<ModelProvider> cloudProviders, Clock clock) {
    var providers = new ArrayList<>(cloudProviders);
    providers.addAll(fromEnvironment(env));
    return new FailoverDispatch(
        TierRouting.standard(), providers, FAILURE_THRESHOLD, COOL_DOWN, clock);
  }
}
