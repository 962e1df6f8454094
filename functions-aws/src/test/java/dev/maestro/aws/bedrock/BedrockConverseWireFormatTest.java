package dev.maestro.aws.bedrock;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.LocalAwsServer.Recorded;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import dev.maestro.core.dispatch.BedrockTools;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.dispatch.ToolCall;
import dev.maestro.core.dispatch.ToolResult;
import dev.maestro.core.dispatch.ToolSpec;
import dev.maestro.core.dispatch.WireRequests;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BedrockConverseProvider} against a local HTTP server answering in the Converse API's
 * documented format. Bedrock itself is not reachable here: the request and response shapes are
 * tested against the documented Converse format, through the real SDK signer and URL-connection
 * client, with every request asserted field by field (path, SigV4 headers, body). Nothing here
 * shows that Bedrock accepts the signature or the body.
 */
class BedrockConverseWireFormatTest {

  private static final Instant SIGNED_AT = Instant.parse("2026-03-01T09:00:00Z");
  private static final String PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

  private static final ToolSpec SEARCH =
      new ToolSpec(
          "search",
          "Search the corpus.",
          Json.tree("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}"));

  private final ReplyQueue bedrock = new ReplyQueue();
  private final LocalAwsServer server = bedrock.server;
  private final BedrockConverseProvider provider =
      provider(BedrockConverseProvider.Inference.DEFAULTS);

  @AfterEach
  void stop() {
    server.close();
  }

  private BedrockConverseProvider provider(BedrockConverseProvider.Inference inference) {
    return new BedrockConverseProvider(
        "bedrock",
        server.client(
            "bedrock", "us-west-2", AwsRetryPolicy.none(), Clock.fixed(SIGNED_AT, ZoneOffset.UTC)),
        inference);
  }

  private void reply(Reply reply) {
    bedrock.add(reply);
  }

  private Recorded last() {
    return bedrock.last();
  }

  @Test
  void givenARequestWithSystemAndTools_whenCalled_thenTheConverseRequestCarriesEveryField() {
    reply(Reply.json(200, textReply()));
    var request = WireRequests.searchRoundTrip("tooluse_1", "Let me look.", "\"X is Y.\"", SEARCH);

    provider.complete(PROFILE, request);

    Recorded sent = last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path())
        .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
    assertThat(sent.query()).isNull();
    assertThat(sent.header("content-type")).isEqualTo("application/json");
    assertThat(sent.header("accept")).isEqualTo("application/json");
    assertThat(sent.header("x-amz-target")).isNull();
    assertThat(sent.header("x-amz-date")).isEqualTo("20260301T090000Z");
    assertThat(sent.header("authorization"))
        .matches(
            "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-west-2/bedrock/aws4_request,"
                + " SignedHeaders=([a-z0-9-]+;)*host(;[a-z0-9-]+)*;x-amz-date(;[a-z0-9-]+)*,"
                + " Signature=[0-9a-f]{64}");
    assertThat(sent.header("authorization")).contains("content-type");
    assertThat(sent.json())
        .isEqualTo(
            Json.tree(
                """
                {"messages":[
                   {"role":"user","content":[{"text":"What is X?"}]},
                   {"role":"assistant","content":[
                     {"text":"Let me look."},
                     {"toolUse":{"toolUseId":"tooluse_1","name":"search","input":{"q":"X"}}}]},
                   {"role":"user","content":[
                     {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"X is Y."}],
                                    "status":"success"}}]}],
                 "system":[{"text":"Be brief."}],
                 "inferenceConfig":{"maxTokens":256},
                 "toolConfig":{"tools":[{"toolSpec":{"name":"search",
                   "description":"Search the corpus.",
                   "inputSchema":{"json":{"type":"object",
                                          "properties":{"q":{"type":"string"}}}}}}]}}
                """));
  }

  @Test
  void givenAPlainRequest_whenCalled_thenNoSystemToolConfigOrOptionalInferenceFieldIsSent() {
    reply(Reply.json(200, textReply()));

    provider.complete("amazon.nova-lite-v1:0", simple());

    assertThat(last().path()).isEqualTo("/model/amazon.nova-lite-v1%3A0/converse");
    assertThat(last().json())
        .isEqualTo(
            Json.tree(
                """
                {"messages":[{"role":"user","content":[{"text":"Hi"}]}],
                 "inferenceConfig":{"maxTokens":64}}
                """));
  }

  @Test
  void givenAModelArn_whenCalled_thenItIsOnePercentEncodedPathSegment() {
    reply(Reply.json(200, textReply()));

    provider.complete(
        "arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.amazon.nova-pro-v1:0",
        simple());

    assertThat(last().path())
        .isEqualTo(
            "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A111122223333%3Ainference-profile"
                + "%2Fus.amazon.nova-pro-v1%3A0/converse");
  }

  @Test
  void givenInferenceSettings_whenCalled_thenTemperatureAndStopSequencesAreSent() {
    reply(Reply.json(200, textReply()));

    provider(new BedrockConverseProvider.Inference(0.2, List.of("</answer>")))
        .complete(PROFILE, simple());

    assertThat(last().json().get("inferenceConfig"))
        .isEqualTo(
            Json.tree("{\"maxTokens\":64,\"temperature\":0.2,\"stopSequences\":[\"</answer>\"]}"));
  }

  @Test
  void givenSystemTurnsAndConsecutiveTurnsOfOneRole_whenCalled_thenSystemBlocksAndMergedMessages() {
    reply(Reply.json(200, textReply()));

    provider.complete(
        PROFILE,
        new ModelDispatch.Request(
            "call-1",
            "sonnet",
            List.of(
                new ModelDispatch.Message("system", "Cite sources."),
                new ModelDispatch.Message("user", "Part one."),
                new ModelDispatch.Message("user", "Part two.")),
            64));

    assertThat(last().json().get("system")).isEqualTo(Json.tree("[{\"text\":\"Cite sources.\"}]"));
    assertThat(last().json().get("messages"))
        .isEqualTo(
            Json.tree(
                """
                [{"role":"user","content":[{"text":"Part one."},{"text":"Part two."}]}]
                """));
  }

  @Test
  void givenATextAnswer_whenParsed_thenTextUsageLatencyAndStopReasonAreReturned() {
    reply(Reply.json(200, textReply()));

    var response = provider.complete(PROFILE, simple());

    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.provider()).isEqualTo("bedrock");
    assertThat(response.modelId()).isEqualTo(PROFILE);
    assertThat(response.tokensIn()).isEqualTo(12);
    assertThat(response.tokensOut()).isEqualTo(4);
    assertThat(response.latencyMs()).isEqualTo(412);
    assertThat(response.stopReason()).isEqualTo("end_turn");
    assertThat(response.safetyOutcome()).isEqualTo("allowed");
    assertThat(response.usd()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(response.local()).isFalse();
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.failover()).isEmpty();
  }

  @Test
  void givenAToolUseAnswer_whenItsResultIsSentBack_thenTheToolAbiRoundTripsThroughConverse() {
    reply(
        Reply.json(
            200,
            """
            {"output":{"message":{"role":"assistant","content":[
               {"text":"Searching."},
               {"toolUse":{"toolUseId":"tooluse_9","name":"search","input":{"q":"tides","k":3}}}]}},
             "stopReason":"tool_use",
             "usage":{"inputTokens":40,"outputTokens":22,"totalTokens":62},
             "metrics":{"latencyMs":900}}
            """));
    reply(Reply.json(200, textReply()));
    var question = new ModelDispatch.Message("user", "When are the tides?");

    var first =
        provider.complete(
            PROFILE,
            new ModelDispatch.Request(
                "call-1", "sonnet", null, List.of(question), 128, List.of(SEARCH)));

    assertThat(first.text()).isEqualTo("Searching.");
    assertThat(first.stopReason()).isEqualTo("tool_use");
    ToolCall call = new ToolCall("tooluse_9", "search", Json.tree("{\"q\":\"tides\",\"k\":3}"));
    assertThat(first.toolCalls()).containsExactly(call);

    var result = new ToolResult("tooluse_9", Json.tree("{\"high\":\"06:12\"}"), false);
    provider.complete(
        PROFILE,
        new ModelDispatch.Request(
            "call-2",
            "sonnet",
            null,
            List.of(
                question,
                new ModelDispatch.Message("assistant", first.text(), first.toolCalls(), List.of()),
                new ModelDispatch.Message("user", "", List.of(), List.of(result))),
            128,
            List.of(SEARCH)));

    var messages = last().json().get("messages");
    assertThat(messages.get(1))
        .isEqualTo(
            Json.tree(
                """
                {"role":"assistant","content":[{"text":"Searching."},
                  {"toolUse":{"toolUseId":"tooluse_9","name":"search","input":{"q":"tides","k":3}}}]}
                """));
    assertThat(messages.get(2))
        .isEqualTo(
            Json.tree(
                """
                {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_9",
                  "content":[{"json":{"high":"06:12"}}],"status":"success"}}]}
                """));
    var tools = new BedrockTools();
    assertThat(tools.decodeResult(messages.get(2).get("content").get(0))).isEqualTo(result);
    assertThat(tools.decodeCall(messages.get(1).get("content").get(1))).isEqualTo(call);
  }

  @Test
  void givenAFailedToolResult_whenSent_thenItsStatusIsError() {
    reply(Reply.json(200, textReply()));

    provider.complete(
        PROFILE,
        new ModelDispatch.Request(
            "call-1",
            "sonnet",
            List.of(
                new ModelDispatch.Message(
                    "user",
                    "",
                    List.of(),
                    List.of(new ToolResult("tooluse_2", Json.tree("\"timed out\""), true)))),
            64));

    assertThat(last().json().get("messages").get(0).get("content").get(0))
        .isEqualTo(
            Json.tree(
                """
                {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"timed out"}],
                               "status":"error"}}
                """));
  }

  @Test
  void givenAMaxTokensStop_whenParsed_thenThePartialTextAndTheStopReasonAreReturned() {
    reply(
        Reply.json(
            200,
            """
            {"output":{"message":{"role":"assistant","content":[{"text":"The tides are driven"}]}},
             "stopReason":"max_tokens",
             "usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13},
             "metrics":{"latencyMs":120}}
            """));

    var response = provider.complete(PROFILE, simple());

    assertThat(response.text()).isEqualTo("The tides are driven");
    assertThat(response.stopReason()).isEqualTo("max_tokens");
    assertThat(response.tokensOut()).isEqualTo(4);
    assertThat(response.safetyOutcome()).isEqualTo("allowed");
  }

  @Test
  void givenAGuardrailIntervention_whenParsed_thenTheOutcomeIsRefused() {
    reply(
        Reply.json(
            200,
            """
            {"output":{"message":{"role":"assistant","content":[{"text":"Sorry, I can't."}]}},
             "stopReason":"guardrail_intervened",
             "usage":{"inputTokens":9,"outputTokens":5,"totalTokens":14},
             "metrics":{"latencyMs":80}}
            """));

    var response = provider.complete(PROFILE, simple());

    assertThat(response.stopReason()).isEqualTo("guardrail_intervened");
    assertThat(response.safetyOutcome()).isEqualTo("refused");
  }

  @Test
  void givenNoMetrics_whenParsed_thenTheLatencyIsTheMeasuredRoundTrip() {
    reply(
        Reply.json(
            200,
            """
            {"output":{"message":{"role":"assistant","content":[{"text":"Hi."}]}},
             "stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2}}
            """));

    assertThat(provider.complete(PROFILE, simple()).latencyMs()).isNotNegative();
  }

  @ParameterizedTest(name = "{0} {1}: retryable {2}")
  @CsvSource({
    "429, ThrottlingException, true",
    "503, ServiceUnavailableException, true",
    "429, ModelNotReadyException, true",
    "500, InternalServerException, true",
    "408, ModelTimeoutException, true",
    "400, ValidationException, false",
    "403, AccessDeniedException, false",
    "404, ResourceNotFoundException, false",
    "424, ModelErrorException, false",
  })
  void givenADocumentedConverseError_whenCalled_thenItIsAProviderExceptionWithItsRetryability(
      int status, String code, boolean retryable) {
    reply(
        new Reply(
            status,
            Map.of(
                "Content-Type",
                "application/json",
                "x-amzn-ErrorType",
                code + ":http://internal.amazon.com/coral/com.amazon.bedrock/"),
            "{\"message\":\"" + code + " says why\"}"));

    assertThatThrownBy(() -> provider.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.provider()).isEqualTo("bedrock");
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.errorType()).isEqualTo(code);
              assertThat(e.retryable()).isEqualTo(retryable);
              assertThat(e.getMessage()).contains(code + " says why");
            });
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void givenAnErrorCodeOnlyInTheBody_whenCalled_thenTheBodyTypeIsUsed() {
    reply(
        Reply.jsonError(
            400,
            "ValidationException",
            "A conversation must alternate between user and assistant roles."));

    assertThatThrownBy(() -> provider.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ValidationException");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("must alternate between user and assistant");
            });
  }

  @Test
  void givenAnUnparseableSuccessBody_whenCalled_thenANonRetryableMalformedResponse() {
    reply(new Reply(200, Map.of("Content-Type", "application/json"), "<html>gateway</html>"));

    assertThatThrownBy(() -> provider.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("malformed_response");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("not JSON").contains("<html>gateway</html>");
            });
  }

  @Test
  void givenASuccessBodyWithoutOutput_whenCalled_thenTheMissingFieldIsNamed() {
    reply(Reply.json(200, "{\"usage\":{\"inputTokens\":1,\"outputTokens\":1}}"));

    assertThatThrownBy(() -> provider.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.errorType()).isEqualTo("malformed_response");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("'output'");
            });
  }

  @Test
  void givenAToolUseWithoutInput_whenParsed_thenAMalformedResponse() {
    reply(
        Reply.json(
            200,
            """
            {"output":{"message":{"role":"assistant","content":[
               {"toolUse":{"toolUseId":"tooluse_1","name":"search"}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2}}
            """));

    assertThatThrownBy(() -> provider.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("malformed_response");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("input");
            });
  }

  @Test
  void givenNoServerListening_whenCalled_thenARetryableConnectionError() {
    var closed = provider(BedrockConverseProvider.Inference.DEFAULTS);
    server.close();

    assertThatThrownBy(() -> closed.complete(PROFILE, simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.errorType()).isEqualTo("connection_error");
              assertThat(e.retryable()).isTrue();
            });
  }

  static String textReply() {
    return """
        {"output":{"message":{"role":"assistant","content":[{"text":"Hello there."}]}},
         "stopReason":"end_turn",
         "usage":{"inputTokens":12,"outputTokens":4,"totalTokens":16},
         "metrics":{"latencyMs":412}}
        """;
  }
}
