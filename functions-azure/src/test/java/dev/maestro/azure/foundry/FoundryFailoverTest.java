package dev.maestro.azure.foundry;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.CircuitBreaker;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.FailoverFixture;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.OpenAiProvider.TokenLimitField;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.dispatch.WireServer;
import dev.maestro.core.time.ManualClock;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@link FoundryChatProvider} inside core's {@link FailoverDispatch} with the offline {@link
 * LocalProvider} behind it: a Foundry rate limit (429, from a local server answering in the
 * documented format) fails over and is recorded; a Foundry 400 does not. Not exercised: the live
 * Foundry service and real Entra ID tokens (a stub credential supplies them).
 */
class FoundryFailoverTest {

  private static final TenantId TENANT = TenantId.of("acme");

  private final WireServer server = new WireServer();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private final FailoverDispatch dispatch =
      FailoverFixture.inFrontOfLocal(
          TENANT,
          new FoundryChatProvider(
              server.base(),
              FoundryChatProvider.Mode.DEPLOYMENTS,
              FoundrySettings.DEPLOYMENTS_API_VERSION,
              TokenLimitField.MAX_COMPLETION_TOKENS,
              new EntraTokenSource(
                  context ->
                      Mono.just(new AccessToken("entra-token", OffsetDateTime.now().plusHours(1))),
                  EntraTokenSource.COGNITIVE_SERVICES_SCOPE,
                  Clock.systemUTC()),
              HttpClient.newHttpClient(),
              Duration.ofSeconds(5)),
          "maestro-sonnet",
          clock);

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void givenFoundryRateLimited_whenCalled_thenTheLocalProviderAnswersAndTheFailoverIsRecorded() {
    server.reply(
        429,
        "{\"error\":{\"code\":\"429\",\"message\":\"Rate limit exceeded.\"}}",
        Map.of("retry-after", "3"));

    var response = dispatch.forTenant(TENANT).call(simple());

    assertThat(response.provider()).isEqualTo(LocalProvider.NAME);
    assertThat(response.failover()).containsExactly("foundry:429 http_429");
    assertThat(server.last().path())
        .isEqualTo("/openai/deployments/maestro-sonnet/chat/completions");
    assertThat(server.last().headers().getFirst("Authorization")).isEqualTo("Bearer entra-token");
  }

  @Test
  void givenFoundryRateLimitedTwice_whenCalledAgain_thenItsCircuitIsOpenAndItIsSkipped() {
    server.reply(429, "{\"error\":{\"code\":\"429\",\"message\":\"Rate limit exceeded.\"}}");
    server.reply(429, "{\"error\":{\"code\":\"429\",\"message\":\"Rate limit exceeded.\"}}");
    var tenant = dispatch.forTenant(TENANT);

    tenant.call(simple());
    tenant.call(simple());
    var third = tenant.call(simple());

    assertThat(dispatch.breakerState(FoundryChatProvider.NAME))
        .isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(third.failover()).containsExactly("foundry:circuit-open");
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void givenFoundryRejectsTheRequest_whenCalled_thenTheFailureIsThrownWithoutFailover() {
    server.reply(
        400, "{\"error\":{\"code\":\"content_filter\",\"message\":\"The prompt was filtered.\"}}");

    assertThatThrownBy(() -> dispatch.forTenant(TENANT).call(simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("content_filter");
              assertThat(e.retryable()).isFalse();
            });
  }
}
