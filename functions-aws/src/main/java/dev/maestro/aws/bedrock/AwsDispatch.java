package dev.maestro.aws.bedrock;

import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.ProviderSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The model dispatch of an AWS function: Bedrock Converse first (in the function's region, with its
 * role's credentials), then the providers the core builds from the environment (Anthropic and
 * OpenAI when keyed, the offline local provider), over the standard tier routes with failover and a
 * circuit breaker per provider.
 */
public final class AwsDispatch {

  private AwsDispatch() {}

  /**
   * The dispatch for a function configured by {@code env}.
   *
   * @throws IllegalStateException naming the setting when Bedrock's is missing or malformed
   */
  public static FailoverDispatch fromEnvironment(Map<String, String> env, Clock clock) {
    return ProviderSettings.dispatch(
        env, List.of(BedrockConverseProvider.fromEnvironment(env)), clock);
  }
}
