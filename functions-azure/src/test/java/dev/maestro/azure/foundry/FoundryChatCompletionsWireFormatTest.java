package dev.maestro.azure.foundry;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.OpenAiProvider.TokenLimitField;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.dispatch.ToolCall;
import dev.maestro.core.dispatch.ToolSpec;
import dev.maestro.core.dispatch.WireRequests;
import dev.maestro.core.dispatch.WireServer;
import dev.maestro.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/**
 * {@link FoundryChatProvider} against a local server answering in the documented Azure OpenAI /
 * Foundry chat-completions format: requests asserted field by field (path, {@code api-version},
 * bearer header, body) in both request forms, text, tool-call and content-filtered answers, each
 * error class, {@code retry-after}, malformed bodies and a refused connection. Exercised: this
 * module's request building, parsing and error mapping. Not exercised: the live Foundry service
 * (not reachable here), so service-side behaviour such as which {@code api-version} accepts which
 * field is taken from its documentation; the bearer tokens come from a stub credential (the real
 * managed-identity flow is {@link EntraManagedIdentityTokenFlowTest}).
 */
class FoundryChatCompletionsWireFormatTest {

  private final WireServer server = new WireServer();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final TokenCredential credential =
      context ->
          Mono.just(
              new AccessToken(
                  "entra-" + tokensIssued.incrementAndGet(), OffsetDateTime.now().plusHours(1)));
  private final EntraTokenSource tokens =
      new EntraTokenSource(
          credential, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, Clock.systemUTC());

  private FoundryChatProvider provider(FoundryChatProvider.Mode mode, TokenLimitField field) {
    String version =
        mode == FoundryChatProvider.Mode.DEPLOYMENTS
            ? FoundrySettings.DEPLOYMENTS_API_VERSION
            : FoundrySettings.MODELS_API_VERSION;
    return provider(server.base(), mode, version, field);
  }

  private FoundryChatProvider provider(
      URI base, FoundryChatProvider.Mode mode, String version, TokenLimitField field) {
    return new FoundryChatProvider(
        base, mode, version, field, tokens, HttpClient.newHttpClient(), Duration.ofSeconds(5));
  }

  private FoundryChatProvider deployments() {
    return provider(FoundryChatProvider.Mode.DEPLOYMENTS, TokenLimitField.MAX_COMPLETION_TOKENS);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void givenDeploymentsMode_whenCalledWithSystemToolsAndResults_thenEveryFieldIsSent() {
    server.reply(200, textReply());

    deployments().complete("maestro-sonnet", toolRequest());

    var sent = server.last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/openai/deployments/maestro-sonnet/chat/completions");
    assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
    assertThat(sent.headers().getFirst("Authorization")).isEqualTo("Bearer entra-1");
    assertThat(sent.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(sent.headers().containsKey("api-key")).isFalse();
    assertThat(sent.json())
        .isEqualTo(
            Json.tree(
                """
                {"messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"user","content":"What is X?"},
                   {"role":"assistant","content":null,"tool_calls":[
                     {"id":"call_1","type":"function",
                      "function":{"name":"search","arguments":"{\\"q\\":\\"X\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1",
                    "content":[{"type":"text","text":"{\\"hits\\":2}"}]}],
                 "max_completion_tokens":256,
                 "tools":[{"type":"function","function":{"name":"search",
                   "description":"Search the corpus.","parameters":{"type":"object"}}}],
                 "tool_choice":"auto"}
                """));
  }

  @Test
  void givenModelsMode_whenCalled_thenTheModelGoesInTheBodyOfTheModelsEndpoint() {
    server.reply(200, textReply());

    provider(FoundryChatProvider.Mode.MODELS, TokenLimitField.MAX_TOKENS)
        .complete("Mistral-Large-2411", simple());

    var sent = server.last();
    assertThat(sent.path()).isEqualTo("/models/chat/completions");
    assertThat(sent.query()).isEqualTo("api-version=2024-05-01-preview");
    assertThat(sent.headers().getFirst("Authorization")).isEqualTo("Bearer entra-1");
    assertThat(sent.json())
        .isEqualTo(
            Json.tree(
                """
                {"model":"Mistral-Large-2411",
                 "messages":[{"role":"user","content":"Hi"}],
                 "max_tokens":64}
                """));
  }

  @Test
  void givenAnEndpointWithATrailingSlash_whenCalled_thenThePathHasNoDoubleSlash() {
    server.reply(200, textReply());

    provider(
            URI.create(server.base() + "/"),
            FoundryChatProvider.Mode.DEPLOYMENTS,
            "2025-01-01-preview",
            TokenLimitField.MAX_TOKENS)
        .complete("maestro-haiku", simple());

    assertThat(server.last().path())
        .isEqualTo("/openai/deployments/maestro-haiku/chat/completions");
    assertThat(server.last().query()).isEqualTo("api-version=2025-01-01-preview");
    assertThat(server.last().json().get("max_tokens").asInt()).isEqualTo(64);
    assertThat(server.last().json().has("model")).isFalse();
    assertThat(server.last().json().has("tools")).isFalse();
    assertThat(server.last().json().has("tool_choice")).isFalse();
  }

  @Test
  void givenATextReply_whenParsed_thenTextUsageModelAndFinishReasonAreReturned() {
    server.reply(200, textReply());

    var response = deployments().complete("maestro-sonnet", simple());

    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.provider()).isEqualTo("foundry");
    assertThat(response.modelId()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(response.tokensIn()).isEqualTo(19);
    assertThat(response.tokensOut()).isEqualTo(10);
    assertThat(response.latencyMs()).isGreaterThanOrEqualTo(0);
    assertThat(response.stopReason()).isEqualTo("stop");
    assertThat(response.safetyOutcome()).isEqualTo("allowed");
    assertThat(response.local()).isFalse();
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void givenAReplyWithoutAModel_whenParsed_thenTheRequestedModelIdIsReported() {
    server.reply(
        200,
        """
        {"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},
          "finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}
        """);

    assertThat(deployments().complete("maestro-sonnet", simple()).modelId())
        .isEqualTo("maestro-sonnet");
  }

  @Test
  void givenAToolCallsReply_whenParsed_thenTheArgumentsStringIsParsedIntoTheToolCall() {
    server.reply(
        200,
        """
        {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o",
         "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
           {"id":"call_abc","type":"function",
            "function":{"name":"search","arguments":"{\\"q\\":\\"tides\\",\\"k\\":3}"}}]},
           "logprobs":null,"finish_reason":"tool_calls","content_filter_results":{}}],
         "usage":{"prompt_tokens":50,"completion_tokens":18,"total_tokens":68}}
        """);

    var response = deployments().complete("maestro-sonnet", toolRequest());

    assertThat(response.text()).isEmpty();
    assertThat(response.stopReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .containsExactly(
            new ToolCall("call_abc", "search", Json.tree("{\"q\":\"tides\",\"k\":3}")));
  }

  @Test
  void givenACompletionTheServiceFiltered_whenParsed_thenItIsReportedAsRefused() {
    server.reply(
        200,
        """
        {"id":"chatcmpl-3","model":"gpt-4o","choices":[{"index":0,
          "message":{"role":"assistant","content":null},"finish_reason":"content_filter",
          "content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}],
         "usage":{"prompt_tokens":12,"completion_tokens":0,"total_tokens":12}}
        """);

    var response = deployments().complete("maestro-sonnet", simple());

    assertThat(response.stopReason()).isEqualTo("content_filter");
    assertThat(response.safetyOutcome()).isEqualTo("refused");
    assertThat(response.text()).isEmpty();
  }

  @Test
  void givenA429WithRetryAfter_whenCalled_thenARetryableFailureQuotesTheDelay() {
    server.reply(
        429,
        """
        {"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have \
        exceeded token rate limit of your current tier."}}
        """,
        Map.of("retry-after", "7"));

    assertThatThrownBy(() -> deployments().complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.provider()).isEqualTo("foundry");
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.errorType()).isEqualTo("http_429");
              assertThat(e.getMessage()).contains("exceeded token rate limit", "retry after 7 s");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenA429WithRetryAfterMs_whenCalled_thenTheMillisecondDelayIsQuoted() {
    server.reply(
        429,
        "{\"error\":{\"code\":\"RateLimitExceeded\",\"message\":\"Too many requests.\"}}",
        Map.of("retry-after-ms", "1500", "retry-after", "2"));

    assertThatThrownBy(() -> deployments().complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("RateLimitExceeded");
              assertThat(e.getMessage()).contains("retry after 1500 ms");
              assertThat(e.retryable()).isTrue();
            });
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "500, InternalServerError, true",
    "503, ServiceUnavailable, true",
    "408, Timeout, true",
    "400, invalid_request_error, false",
    "401, PermissionDenied, false",
    "403, AuthorizationFailed, false",
    "404, DeploymentNotFound, false"
  })
  void givenAnErrorStatus_whenCalled_thenItsCodeAndRetryabilityAreMapped(
      int status, String code, boolean retryable) {
    server.reply(
        status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"failure " + status + "\"}}");

    assertThatThrownBy(() -> deployments().complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.errorType()).isEqualTo(code);
              assertThat(e.getMessage()).contains("failure " + status);
              assertThat(e.retryable()).isEqualTo(retryable);
            });
  }

  @Test
  void givenAPromptTheContentFilterRejects_whenCalled_thenANonRetryableContentFilterIsThrown() {
    server.reply(
        400,
        """
        {"error":{"message":"The response was filtered due to the prompt triggering the content \
        management policy.","type":null,"param":"prompt","code":"content_filter","status":400,
          "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{
            "hate":{"filtered":true,"severity":"high"}}}}}
        """);

    assertThatThrownBy(() -> deployments().complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.errorType()).isEqualTo("content_filter");
              assertThat(e.getMessage()).contains("content management policy");
              assertThat(e.retryable()).isFalse();
            });
  }

  @Test
  void givenA401_whenCalledAgain_thenANewTokenIsFetched() {
    server.reply(401, "{\"error\":{\"code\":\"401\",\"message\":\"Unauthorized.\"}}");
    server.reply(200, textReply());
    var provider = deployments();

    assertThatThrownBy(() -> provider.complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("http_401");
              assertThat(e.retryable()).isFalse();
            });
    provider.complete("maestro-sonnet", simple());

    assertThat(server.received())
        .extracting(r -> r.headers().getFirst("Authorization"))
        .containsExactly("Bearer entra-1", "Bearer entra-2");
  }

  @Test
  void givenANonJsonBody_whenCalled_thenAnUnparseableBodyFailureCarriesTheStatus() {
    server.reply(502, "<html><body>Bad Gateway</body></html>");

    assertThatThrownBy(() -> deployments().complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.errorType()).isEqualTo("unparseable_body");
              assertThat(e.getMessage()).contains("Bad Gateway");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenA200WithoutChoicesOrUsage_whenParsed_thenAMalformedResponseFailureIsThrown() {
    server.reply(200, "{\"id\":\"x\",\"choices\":[]}");
    server.reply(
        200,
        """
        {"id":"y","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},
          "finish_reason":"stop"}]}
        """);
    server.reply(200, "[1,2]");
    var provider = deployments();

    List<ProviderException> failures = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try {
        provider.complete("maestro-sonnet", simple());
      } catch (ProviderException e) {
        failures.add(e);
      }
    }

    assertThat(failures)
        .extracting(ProviderException::errorType)
        .containsExactly("malformed_response", "malformed_response", "unparseable_body");
    assertThat(failures.get(0).getMessage()).contains("no choices");
    assertThat(failures.get(1).getMessage()).contains("no usage");
    assertThat(failures).allSatisfy(e -> assertThat(e.retryable()).isFalse());
  }

  @Test
  void givenNoServerListening_whenCalled_thenARetryableConnectionErrorIsThrown() {
    URI closed = server.base();
    server.close();

    assertThatThrownBy(
            () ->
                provider(
                        closed,
                        FoundryChatProvider.Mode.DEPLOYMENTS,
                        "2024-10-21",
                        TokenLimitField.MAX_TOKENS)
                    .complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.errorType()).isEqualTo("connection_error");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenTheCredentialFails_whenCalled_thenARetryableTokenFailureIsThrownAndNothingIsSent() {
    TokenCredential failing =
        context -> Mono.error(new IllegalStateException("identity endpoint unavailable"));
    var provider =
        new FoundryChatProvider(
            server.base(),
            FoundryChatProvider.Mode.DEPLOYMENTS,
            "2024-10-21",
            TokenLimitField.MAX_TOKENS,
            new EntraTokenSource(
                failing, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, Clock.systemUTC()),
            HttpClient.newHttpClient(),
            Duration.ofSeconds(5));

    assertThatThrownBy(() -> provider.complete("maestro-sonnet", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("token_unavailable");
              assertThat(e.getMessage()).contains("identity endpoint unavailable");
              assertThat(e.retryable()).isTrue();
            });
    assertThat(server.received()).isEmpty();
  }

  private static ModelDispatch.Request toolRequest() {
    return WireRequests.searchRoundTrip(
        "call_1",
        "",
        "{\"hits\":2}",
        new ToolSpec("search", "Search the corpus.", Json.tree("{\"type\":\"object\"}")));
  }

  static String textReply() {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,
         "model":"gpt-4o-2024-08-06",
         "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{
           "hate":{"filtered":false,"severity":"safe"}}}],
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},
           "logprobs":null,"finish_reason":"stop",
           "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
         "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}
        """;
  }
}
