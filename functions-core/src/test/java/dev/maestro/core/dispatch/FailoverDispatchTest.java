package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.time.ManualClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover across providers answering in their documented wire formats from local servers (not the
 * live services), with each provider's circuit breaker on an injected clock.
 */
class FailoverDispatchTest {

  private static final TenantId TENANT = TenantId.of("acme");
  private static final Duration COOL_DOWN = Duration.ofSeconds(30);

  private final WireServer anthropicServer = new WireServer();
  private final WireServer openAiServer = new WireServer();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private final TierRouting routing =
      TierRouting.standard()
          .withTenantRoutes(
              TENANT,
              "sonnet",
              List.of(
                  new TierRouting.Route("bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"),
                  new TierRouting.Route("anthropic", "claude-sonnet-4-20250514"),
                  new TierRouting.Route("openai", "gpt-4o")));

  private final FailoverDispatch dispatch =
      new FailoverDispatch(
          routing,
          List.of(
              new AnthropicProvider(
                  "anthropic",
                  anthropicServer.base(),
                  "sk-a",
                  HttpClient.newHttpClient(),
                  Duration.ofSeconds(5)),
              new OpenAiProvider(
                  "openai",
                  openAiServer.base(),
                  "sk-o",
                  OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS,
                  HttpClient.newHttpClient(),
                  Duration.ofSeconds(5)),
              new LocalProvider()),
          2,
          COOL_DOWN,
          clock);

  @AfterEach
  void stop() {
    anthropicServer.close();
    openAiServer.close();
  }

  @Test
  void givenTheFirstProviderOverloaded_whenCalled_thenTheNextAnswersAndTheFailoverIsRecorded() {
    anthropicServer.reply(
        529, AnthropicMessagesWireFormatTest.error("overloaded_error", "Overloaded"));
    openAiServer.reply(200, OpenAiChatCompletionsWireFormatTest.textReply());

    var response = dispatch.forTenant(TENANT).call(simple());

    assertThat(response.provider()).isEqualTo("openai");
    assertThat(response.failover())
        .containsExactly("bedrock:not-configured", "anthropic:529 overloaded_error");
    assertThat(openAiServer.last().json().get("model").asText()).isEqualTo("gpt-4o");
  }

  @Test
  void givenNConsecutiveRetryableFailures_whenCalledAgain_thenTheBreakerIsOpenAndSkipped() {
    for (int i = 0; i < 2; i++) {
      anthropicServer.reply(
          529, AnthropicMessagesWireFormatTest.error("overloaded_error", "Overloaded"));
      openAiServer.reply(200, OpenAiChatCompletionsWireFormatTest.textReply());
      dispatch.call(TENANT, simple());
    }
    assertThat(dispatch.breakerState("anthropic")).isEqualTo(CircuitBreaker.State.OPEN);
    openAiServer.reply(200, OpenAiChatCompletionsWireFormatTest.textReply());

    var response = dispatch.call(TENANT, simple());

    assertThat(response.failover())
        .containsExactly("bedrock:not-configured", "anthropic:circuit-open");
    assertThat(anthropicServer.received()).hasSize(2);
  }

  @Test
  void givenAnOpenBreaker_whenTheCoolDownPasses_thenOneTrialCallGoesThroughAndClosesIt() {
    for (int i = 0; i < 2; i++) {
      anthropicServer.reply(
          529, AnthropicMessagesWireFormatTest.error("overloaded_error", "Overloaded"));
      openAiServer.reply(200, OpenAiChatCompletionsWireFormatTest.textReply());
      dispatch.call(TENANT, simple());
    }

    clock.advance(COOL_DOWN);
    assertThat(dispatch.breakerState("anthropic")).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    anthropicServer.reply(200, AnthropicMessagesWireFormatTest.textReply());
    var response = dispatch.call(TENANT, simple());

    assertThat(response.provider()).isEqualTo("anthropic");
    assertThat(response.failover()).containsExactly("bedrock:not-configured");
    assertThat(dispatch.breakerState("anthropic")).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void givenAHalfOpenBreaker_whenTheTrialFails_thenItOpensAgainForAnotherCoolDown() {
    var breaker = new CircuitBreaker(1, COOL_DOWN, clock);
    breaker.recordFailure();
    clock.advance(COOL_DOWN);

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).as("only one trial while half-open").isFalse();
    breaker.recordFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(COOL_DOWN.minusSeconds(1));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void givenANonRetryableFailure_whenCalled_thenItIsThrownWithoutFailingOver() {
    anthropicServer.reply(
        400, AnthropicMessagesWireFormatTest.error("invalid_request_error", "bad"));

    assertThatThrownBy(() -> dispatch.call(TENANT, simple()))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse());
    assertThat(openAiServer.received()).isEmpty();
    assertThat(dispatch.breakerState("anthropic")).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void givenEveryProviderFailing_whenCalled_thenDispatchFailsWithTheWholeFailoverList() {
    anthropicServer.reply(
        529, AnthropicMessagesWireFormatTest.error("overloaded_error", "Overloaded"));
    openAiServer.reply(
        503, "{\"error\":{\"message\":\"down\",\"type\":\"server_error\",\"code\":null}}");

    assertThatThrownBy(() -> dispatch.call(TENANT, simple()))
        .isInstanceOfSatisfying(
            DispatchFailedException.class,
            e ->
                assertThat(e.failover())
                    .containsExactly(
                        "bedrock:not-configured",
                        "anthropic:529 overloaded_error",
                        "openai:503 server_error"));
  }

  @Test
  void givenTheLocalTier_whenCalled_thenTheOfflineProviderAnswersLabelledLocal() {
    var response =
        dispatch.call(
            TENANT,
            new ModelDispatch.Request(
                "call-2",
                "local",
                List.of(new ModelDispatch.Message("user", "Tides.\n[1] Tides follow the moon.")),
                64));

    assertThat(response.provider()).isEqualTo("local");
    assertThat(response.local()).isTrue();
    assertThat(response.failover()).isEmpty();
  }

  @Test
  void givenATenantWithoutItsOwnTable_whenRouted_thenTheDefaultsApply() {
    assertThat(routing.routes(TenantId.of("other"), "sonnet"))
        .extracting(TierRouting.Route::provider)
        .containsExactly("bedrock", "foundry", "anthropic");
    assertThat(routing.routes(TENANT, "sonnet"))
        .extracting(TierRouting.Route::provider)
        .containsExactly("bedrock", "anthropic", "openai");
  }
}
