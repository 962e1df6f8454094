package dev.maestro.aws.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.CircuitBreaker;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.dispatch.TierRouting;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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

  private final Deque<Reply> replies = new ArrayDeque<>();
  private final LocalAwsServer bedrock =
      LocalAwsServer.start(
          r -> {
            synchronized (replies) {
              return replies.poll();
            }
          });

  private final FailoverDispatch dispatch =
      new FailoverDispatch(
          TierRouting.standard()
              .withTenantRoutes(
                  TENANT,
                  "sonnet",
                  List.of(
                      new TierRouting.Route("bedrock", MODEL),
                      new TierRouting.Route(LocalProvider.NAME, LocalProvider.MODEL_ID))),
          List.of(
              new BedrockConverseProvider(
                  bedrock.client(
                      "bedrock",
                      "us-east-1",
                      AwsRetryPolicy.none(),
                      Clock.fixed(Instant.parse("2026-03-01T09:00:00Z"), ZoneOffset.UTC))),
              new LocalProvider()),
          2,
          Duration.ofSeconds(30),
          Clock.systemUTC());

  @AfterEach
  void stop() {
    bedrock.close();
  }

  private void reply(Reply reply) {
    synchronized (replies) {
      replies.add(reply);
    }
  }

  @Test
  void givenBedrockAnswers_whenCalled_thenItsAnswerIsReturnedWithoutFailover() {
    reply(Reply.json(200, BedrockConverseWireFormatTest.textReply()));

    var response = dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple());

    assertThat(response.provider()).isEqualTo("bedrock");
    assertThat(response.modelId()).isEqualTo(MODEL);
    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.failover()).isEmpty();
  }

  @Test
  void givenBedrockThrottles_whenCalled_thenTheNextProviderAnswersAndTheFailoverIsRecorded() {
    reply(Reply.restError(429, "ThrottlingException", "Too many requests, please wait."));

    var response = dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple());

    assertThat(response.provider()).isEqualTo(LocalProvider.NAME);
    assertThat(response.failover()).containsExactly("bedrock:429 ThrottlingException");
    assertThat(bedrock.requests()).hasSize(1);
  }

  @Test
  void givenBedrockThrottlesTwice_whenCalledAgain_thenItsCircuitIsOpenAndItIsSkipped() {
    reply(Reply.restError(429, "ThrottlingException", "Too many requests, please wait."));
    reply(Reply.restError(503, "ServiceUnavailableException", "Service unavailable."));

    dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple());
    dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple());
    var third = dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple());

    assertThat(dispatch.breakerState("bedrock")).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(third.failover()).containsExactly("bedrock:circuit-open");
    assertThat(bedrock.requests()).hasSize(2);
  }

  @Test
  void givenBedrockRejectsTheRequest_whenCalled_thenTheFailureIsThrownWithoutFailover() {
    reply(Reply.restError(400, "ValidationException", "messages: must not be empty"));

    assertThatThrownBy(
            () -> dispatch.forTenant(TENANT).call(BedrockConverseWireFormatTest.simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ValidationException");
              assertThat(e.retryable()).isFalse();
            });
  }
}
