package dev.maestro.aws.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.dispatch.CircuitBreaker;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.ProviderSettings;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model dispatch an AWS function builds from its environment (no call is made). */
class AwsDispatchTest {

  @Test
  void givenARegionAndAnAnthropicKey_whenBuilt_thenBedrockAnthropicAndLocalAreConfigured() {
    FailoverDispatch d =
        AwsDispatch.fromEnvironment(
            Map.of("AWS_REGION", "eu-west-1", ProviderSettings.ANTHROPIC_API_KEY, "k"),
            Clock.systemUTC());

    assertThat(d.breakerState("bedrock")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(d.breakerState("anthropic")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(d.breakerState("local")).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThatThrownBy(() -> d.breakerState("openai")).hasMessageContaining("no provider named");
  }

  @Test
  void givenNoRegion_whenBuilt_thenTheErrorNamesTheSetting() {
    assertThatThrownBy(() -> AwsDispatch.fromEnvironment(Map.of(), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWS_REGION");
  }
}
