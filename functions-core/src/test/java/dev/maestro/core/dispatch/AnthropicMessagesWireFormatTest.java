package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AnthropicProvider} against a local server answering in the Messages API's documented
 * format (not the live service): requests asserted field by field, responses and errors parsed.
 */
class AnthropicMessagesWireFormatTest {

  private final WireServer server = new WireServer();
  private final AnthropicProvider provider =
      new AnthropicProvider(
          "anthropic", server.base(), "sk-test", HttpClient.newHttpClient(), Duration.ofSeconds(5));

  private static final ToolSpec SEARCH =
      new ToolSpec(
          "search",
          "Search the corpus.",
          Json.mapper()
              .createObjectNode()
              .put("type", "object")
              .set("properties", Json.mapper().createObjectNode()));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void givenARequestWithSystemAndTools_whenCalled_thenTheMessagesRequestCarriesEveryField() {
    server.reply(200, textReply());
    var request = WireRequests.searchRoundTrip("toolu_1", "", "\"X is Y.\"", SEARCH);

    provider.complete("claude-sonnet-4-20250514", request);

    var sent = server.last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.headers().getFirst("x-api-key")).isEqualTo("sk-test");
    assertThat(sent.headers().getFirst("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.headers().getFirst("content-type")).isEqualTo("application/json");
    assertThat(sent.json())
        .isEqualTo(
            Json.tree(
                """
                {"model":"claude-sonnet-4-20250514","max_tokens":256,"system":"Be brief.",
                 "messages":[
                   {"role":"user","content":"What is X?"},
                   {"role":"assistant","content":[
                     {"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"X"}}]},
                   {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_1","content":"X is Y."}]}],
                 "tools":[{"name":"search","description":"Search the corpus.",
                           "input_schema":{"type":"object","properties":{}}}]}
                """));
  }

  @Test
  void givenAPlainRequest_whenCalled_thenNoSystemOrToolsFieldIsSent() {
    server.reply(200, textReply());

    provider.complete(
        "claude-3-5-haiku-20241022",
        new ModelDispatch.Request(
            "call-1", "haiku", List.of(new ModelDispatch.Message("user", "Hi")), 16));

    assertThat(server.last().json().has("system")).isFalse();
    assertThat(server.last().json().has("tools")).isFalse();
  }

  @Test
  void givenATextReply_whenParsed_thenTextUsageAndStopReasonAreReturned() {
    server.reply(200, textReply());

    var response = provider.complete("claude-sonnet-4-20250514", simple());

    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.provider()).isEqualTo("anthropic");
    assertThat(response.modelId()).isEqualTo("claude-sonnet-4-20250514");
    assertThat(response.tokensIn()).isEqualTo(12);
    assertThat(response.tokensOut()).isEqualTo(4);
    assertThat(response.stopReason()).isEqualTo("end_turn");
    assertThat(response.safetyOutcome()).isEqualTo("allowed");
    assertThat(response.usd()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(response.local()).isFalse();
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void givenAToolUseReply_whenParsed_thenTheToolCallsAreReturnedInTheInternalAbi() {
    server.reply(
        200,
        """
        {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
         "content":[{"type":"text","text":"Searching."},
                    {"type":"tool_use","id":"toolu_9","name":"search","input":{"q":"tides","k":3}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":40,"output_tokens":22}}
        """);

    var response = provider.complete("claude-sonnet-4-20250514", simple());

    assertThat(response.text()).isEqualTo("Searching.");
    assertThat(response.stopReason()).isEqualTo("tool_use");
    assertThat(response.toolCalls())
        .containsExactly(new ToolCall("toolu_9", "search", Json.tree("{\"q\":\"tides\",\"k\":3}")));
  }

  @Test
  void givenA529Overloaded_whenCalled_thenARetryableProviderExceptionIsThrown() {
    server.reply(529, error("overloaded_error", "Overloaded"));

    assertThatThrownBy(() -> provider.complete("m", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(529);
              assertThat(e.errorType()).isEqualTo("overloaded_error");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenA429RateLimit_whenCalled_thenTheFailureIsRetryable() {
    server.reply(429, error("rate_limit_error", "Number of requests has exceeded your rate limit"));

    assertThatThrownBy(() -> provider.complete("m", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("rate_limit_error");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenA400InvalidRequest_whenCalled_thenTheFailureIsNotRetryable() {
    server.reply(400, error("invalid_request_error", "max_tokens: Field required"));

    assertThatThrownBy(() -> provider.complete("m", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.getMessage()).contains("max_tokens: Field required");
              assertThat(e.retryable()).isFalse();
            });
  }

  static String textReply() {
    return """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
         "content":[{"type":"text","text":"Hello there."}],
         "stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":12,"output_tokens":4}}
        """;
  }

  static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\""
        + type
        + "\",\"message\":\""
        + message
        + "\"},\"request_id\":\"req_011\"}";
  }
}
