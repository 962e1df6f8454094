package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireRequests.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.json.Json;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiProvider} against a local server answering in the Chat Completions API's documented
 * format (not the live service): requests asserted field by field, responses and errors parsed.
 */
class OpenAiChatCompletionsWireFormatTest {

  private final WireServer server = new WireServer();

  private OpenAiProvider provider(OpenAiProvider.TokenLimitField field) {
    return new OpenAiProvider(
        "openai",
        server.base(),
        "sk-test",
        field,
        HttpClient.newHttpClient(),
        Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void givenARequestWithSystemAndTools_whenCalled_thenTheChatRequestCarriesEveryField() {
    server.reply(200, textReply());
    var request =
        WireRequests.searchRoundTrip(
            "call_1",
            "",
            "{\"hits\":2}",
            new ToolSpec("search", "Search the corpus.", Json.tree("{\"type\":\"object\"}")));

    provider(OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS).complete("gpt-4o", request);

    var sent = server.last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().getFirst("Authorization")).isEqualTo("Bearer sk-test");
    assertThat(sent.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(sent.json())
        .isEqualTo(
            Json.tree(
                """
                {"model":"gpt-4o",
                 "messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"user","content":"What is X?"},
                   {"role":"assistant","content":null,"tool_calls":[
                     {"id":"call_1","type":"function",
                      "function":{"name":"search","arguments":"{\\"q\\":\\"X\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1",
                    "content":[{"type":"text","text":"{\\"hits\\":2}"}]}],
                 "max_completion_tokens":256,
                 "tools":[{"type":"function","function":{"name":"search",
                   "description":"Search the corpus.","parameters":{"type":"object"}}}]}
                """));
  }

  @Test
  void givenTheOlderTokenField_whenCalled_thenMaxTokensIsSentInstead() {
    server.reply(200, textReply());

    provider(OpenAiProvider.TokenLimitField.MAX_TOKENS).complete("gpt-4o-mini", simple());

    assertThat(server.last().json().get("max_tokens").asInt()).isEqualTo(64);
    assertThat(server.last().json().has("max_completion_tokens")).isFalse();
    assertThat(server.last().json().has("tools")).isFalse();
  }

  @Test
  void givenATextReply_whenParsed_thenContentUsageAndFinishReasonAreReturned() {
    server.reply(200, textReply());

    var response =
        provider(OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS).complete("gpt-4o", simple());

    assertThat(response.text()).isEqualTo("Hello there.");
    assertThat(response.provider()).isEqualTo("openai");
    assertThat(response.modelId()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(response.tokensIn()).isEqualTo(19);
    assertThat(response.tokensOut()).isEqualTo(10);
    assertThat(response.stopReason()).isEqualTo("stop");
    assertThat(response.safetyOutcome()).isEqualTo("allowed");
    assertThat(response.local()).isFalse();
  }

  @Test
  void givenAToolCallsReply_whenParsed_thenTheArgumentsStringIsParsedIntoTheToolCall() {
    server.reply(
        200,
        """
        {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
           {"id":"call_abc","type":"function",
            "function":{"name":"search","arguments":"{\\"q\\":\\"tides\\",\\"k\\":3}"}}]},
           "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":50,"completion_tokens":18,"total_tokens":68}}
        """);

    var response =
        provider(OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS).complete("gpt-4o", simple());

    assertThat(response.text()).isEmpty();
    assertThat(response.stopReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .containsExactly(
            new ToolCall("call_abc", "search", Json.tree("{\"q\":\"tides\",\"k\":3}")));
  }

  @Test
  void givenA429_whenCalled_thenARetryableProviderExceptionIsThrown() {
    server.reply(
        429,
        """
        {"error":{"message":"Rate limit reached","type":"requests","param":null,
                  "code":"rate_limit_exceeded"}}
        """);

    assertThatThrownBy(
            () ->
                provider(OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS)
                    .complete("gpt-4o", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.errorType()).isEqualTo("rate_limit_exceeded");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void givenA400_whenCalled_thenTheFailureIsNotRetryable() {
    server.reply(
        400,
        """
        {"error":{"message":"Invalid value for 'messages'.","type":"invalid_request_error",
                  "param":"messages","code":null}}
        """);

    assertThatThrownBy(
            () ->
                provider(OpenAiProvider.TokenLimitField.MAX_COMPLETION_TOKENS)
                    .complete("gpt-4o", simple()))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("invalid_request_error");
              assertThat(e.getMessage()).contains("Invalid value for 'messages'.");
              assertThat(e.retryable()).isFalse();
            });
  }

  static String textReply() {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,
         "model":"gpt-4o-2024-08-06",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.",
           "refusal":null},"logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}
        """;
  }
}
