package dev.maestro.aws.bedrock;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.CircuitBreaker;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.FailoverFixture;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.ProviderException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BedrockConverseProvider} as the first route of a tier in the core's {@link
 * FailoverDispatch}, with the offline {@link LocalProvider} behind it. Bedrock is a local server
 * answering in the Converse API's documented format, not the service.
 */
class BedrockFailoverTest {

  private static final TenantId TENANT = TenantId.of("acme");
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";

  private final ReplyQueue replies = new ReplyQueue();
  private final LocalAwsServer bedrock = replies.server;

  private final FailoverDispatch dispatch =
      FailoverFixture.inFrontOfLocal(
          TENANT,
          new BedrockConverseProvider(
              bedrock.client(
                  BedrockConverseProvider.SIGNING_NAME,
                  "us-east-1",
                  AwsRetryPolicy.none(),
                  Clock.fixed(Instant.parse("2026-03-01T09:00:00Z"), ZoneOffset.UTC))),
          MODEL,
          Clock.systemUTC());

  @AfterEach
  void stop() {
    bedrock.close();
  }

  private void reply(Reply reply) {
    replies.add(reply);
  }

  @Test
  void givenBedrockAnswers_whenCalled_thenItsAnswerIsReturnedWithoutFailover() {
    reply(Reply.json(200, BedrockConverseWireFormatTest.textReply()));

    var response = dispatch.forTenant(TENANT).call(simple());

    assertThat(response.provider()).isEqualTo("bedrock");
    assertThat(response.modelId()).isEqualTo(MODEL);
    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.failover()).isEmpty();
  }

  @Test
  void givenBedrockThrottles_whenCalled_thenTheNextProviderAnswersAndTheFailoverIsRecorded() {
    reply(Reply.restError(429, "ThrottlingException", "Too many requests, please wait."));

    var response = dispatch.forTenant(TENANT).call(simple());

    assertThat(response.provider()).isEqualTo(LocalProvider.NAME);
    assertThat(response.failover()).containsExactly("bedrock:429 ThrottlingException");
    assertThat(bedrock.requests()).hasSize(1);
  }

  @Test
  void givenBedrockThrottlesTwice_whenCalledAgain_thenItsCircuitIsOpenAndItIsSkipped() {
    reply(Reply.restError(429, "ThrottlingException", "Too many requests, please wait."));
    reply(Reply.restError(503, "ServiceUnavailableException", "Service unavailable."));

    dispatch.forTenant(TENANT).call(simple());
    dispatch.forTenant(TENANT).call(simple());
    var third = dispatch.forTenant(TENANT).call(simple());

    assertThat(dispatch.breakerState("bedrock")).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(third.failover()).containsExactly("bedrock:circuit-open");
    assertThat(bedrock.requests()).hasSize(2);
  }

  @Test
  void givenBedrockRejectsTheRequest_whenCalled_thenTheFailureIsThrownWithoutFailover() {
    reply(Reply.restError(400, "ValidationException", "messages: must not be empty"));

    assertThatThrownBy(() -> dispatch.forTenant(TENANT).call(simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ValidationException");
              assertThat(e.retryable()).isFalse();
            });
  }
}
