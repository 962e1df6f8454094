package dev.maestro.aws.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BedrockConverseProvider#fromEnvironment}: which endpoint and region a Lambda container's
 * environment gives, and the errors for a missing or malformed setting. Nothing is called.
 */
class BedrockConverseProviderEnvironmentTest {

  @Test
  void givenTheLambdaRegion_whenBuilt_thenThePublicRegionalRuntimeEndpointIsUsed() {
    var provider = BedrockConverseProvider.fromEnvironment(Map.of("AWS_REGION", "eu-west-1"));

    assertThat(provider.name()).isEqualTo("bedrock");
    assertThat(provider.endpoint().region()).isEqualTo("eu-west-1");
    assertThat(provider.endpoint().uri())
        .isEqualTo(URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com"));
  }

  @Test
  void givenABedrockRegionAndEndpoint_whenBuilt_thenTheyOverrideTheLambdaRegion() {
    var provider =
        BedrockConverseProvider.fromEnvironment(
            Map.of(
                "AWS_REGION", "eu-west-1",
                "MAESTRO_BEDROCK_REGION", "us-east-1",
                "MAESTRO_BEDROCK_ENDPOINT", "https://vpce-0abc.bedrock-runtime.example.internal",
                "MAESTRO_BEDROCK_TIMEOUT", "PT5M"));

    assertThat(provider.endpoint().region()).isEqualTo("us-east-1");
    assertThat(provider.endpoint().uri())
        .isEqualTo(URI.create("https://vpce-0abc.bedrock-runtime.example.internal"));
  }

  @Test
  void givenNoRegion_whenBuilt_thenTheErrorNamesAwsRegion() {
    assertThatThrownBy(() -> BedrockConverseProvider.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWS_REGION");
  }

  @Test
  void givenAMalformedTimeout_whenBuilt_thenTheErrorNamesTheVariable() {
    assertThatThrownBy(
            () ->
                BedrockConverseProvider.fromEnvironment(
                    Map.of("AWS_REGION", "eu-west-1", "MAESTRO_BEDROCK_TIMEOUT", "90s")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_BEDROCK_TIMEOUT");
  }
}
