package dev.maestro.azure.foundry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.dispatch.WireServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The managed-identity token flow through the real {@code azure-identity} SDK (and the MSAL library
 * under it) against a local server speaking the documented App Service / Functions managed-identity
 * protocol: {@code GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...} with the {@code
 * X-IDENTITY-HEADER} secret, answered with {@code access_token}, {@code expires_on}, {@code
 * resource} and {@code token_type}; the token must reach the Foundry request as the bearer, be
 * reused while fresh and be fetched again near expiry.
 *
 * <p>The SDK's managed-identity client reads {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}
 * from the process environment itself; a credential builder's {@code configuration(...)} does not
 * reach it (it goes to the Azure VM metadata address instead). So each case runs {@link
 * ManagedIdentityProbe} in a child JVM whose environment is a Function App's, built from the app
 * settings by the production factory; this JVM's environment is not touched.
 *
 * <p>Not exercised: Entra ID and the platform's real identity endpoint (not reachable here), the
 * token's validity at Foundry, and the other managed-identity hosts (VMs, Arc, Service Fabric).
 */
class EntraManagedIdentityTokenFlowTest {

  private static final String IDENTITY_SECRET = "identity-header-secret";

  private final WireServer identity = new WireServer();
  private final WireServer foundry = new WireServer();

  @AfterEach
  void stop() {
    identity.close();
    foundry.close();
  }

  @Test
  void givenAUserAssignedIdentity_whenTwoCallsAreMade_thenOneTokenRequestServesBoth()
      throws Exception {
    identity.reply(200, tokenReply("mi-token-1", 3600));
    foundry.reply(200, FoundryChatCompletionsWireFormatTest.textReply());
    foundry.reply(200, FoundryChatCompletionsWireFormatTest.textReply());

    String output = runProbe(2, "5e7c1a2b-0000-4000-8000-00000000c1d0");

    assertThat(output).contains("ANSWER Hello there.");
    assertThat(identity.received()).hasSize(1);
    var tokenRequest = identity.last();
    assertThat(tokenRequest.method()).isEqualTo("GET");
    assertThat(tokenRequest.path()).isEqualTo("/msi/token");
    assertThat(query(tokenRequest.query()))
        .containsEntry("api-version", "2019-08-01")
        .containsEntry("resource", "https://cognitiveservices.azure.com")
        .containsEntry("client_id", "5e7c1a2b-0000-4000-8000-00000000c1d0");
    assertThat(tokenRequest.headers().getFirst("X-IDENTITY-HEADER")).isEqualTo(IDENTITY_SECRET);
    assertThat(foundry.received())
        .extracting(r -> r.headers().getFirst("Authorization"))
        .containsExactly("Bearer mi-token-1", "Bearer mi-token-1");
    assertThat(foundry.last().path())
        .isEqualTo("/openai/deployments/maestro-sonnet/chat/completions");
  }

  @Test
  void givenATokenExpiringWithinTheMargin_whenCalledAgain_thenANewTokenIsFetched()
      throws Exception {
    identity.reply(200, tokenReply("mi-token-1", 120));
    identity.reply(200, tokenReply("mi-token-2", 3600));
    foundry.reply(200, FoundryChatCompletionsWireFormatTest.textReply());
    foundry.reply(200, FoundryChatCompletionsWireFormatTest.textReply());

    runProbe(2, null);

    assertThat(identity.received()).hasSize(2);
    assertThat(query(identity.received().get(0).query())).doesNotContainKey("client_id");
    assertThat(foundry.received())
        .extracting(r -> r.headers().getFirst("Authorization"))
        .containsExactly("Bearer mi-token-1", "Bearer mi-token-2");
  }

  private String runProbe(int calls, String clientId) throws IOException, InterruptedException {
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            ManagedIdentityProbe.class.getName(),
            Integer.toString(calls));
    Path log = Files.createTempFile("managed-identity-probe", ".log");
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("IDENTITY_")
                    || k.startsWith("MSI_")
                    || k.startsWith("AZURE_")
                    || k.startsWith("MAESTRO_")
                    || k.toLowerCase().endsWith("_proxy"));
    env.put("IDENTITY_ENDPOINT", identity.base() + "/msi/token");
    env.put("IDENTITY_HEADER", IDENTITY_SECRET);
    env.put(FoundrySettings.ENDPOINT, foundry.base().toString());
    if (clientId != null) {
      env.put(FoundrySettings.CLIENT_ID, clientId);
    }
    Process process = builder.start();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    Files.deleteIfExists(log);
    assertThat(exited).as("probe finished").isTrue();
    assertThat(process.exitValue()).as("probe exit status; its output:%n%s", output).isZero();
    return output;
  }

  private static String tokenReply(String token, long lifetimeSeconds) {
    long expiresOn = Instant.now().getEpochSecond() + lifetimeSeconds;
    return """
        {"access_token":"%s","expires_on":"%d","resource":"https://cognitiveservices.azure.com",
         "token_type":"Bearer","client_id":"5e7c1a2b-0000-4000-8000-00000000c1d0"}
        """
        .formatted(token, expiresOn);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      params.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
