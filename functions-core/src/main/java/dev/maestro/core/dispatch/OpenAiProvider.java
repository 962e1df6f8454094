package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The OpenAI Chat Completions API ({@code POST {base}/v1/chat/completions}, {@code Authorization:
 * Bearer}) over {@code java.net.http}, non-streaming; tools use {@link OpenAiTools}. The output cap
 * goes out as {@code max_completion_tokens} (what current models require) or, for servers that only
 * know it, the older {@code max_tokens}. Errors arrive as {@code {"error":{"message","type",
 * "param","code"}}}; 429 and 5xx are retryable.
 */
public final class OpenAiProvider implements ModelProvider {

  /** Which request field carries the output cap. */
  public enum TokenLimitField {
    MAX_COMPLETION_TOKENS("max_completion_tokens"),
    MAX_TOKENS("max_tokens");

    private final String field;

    TokenLimitField(String field) {
      this.field = field;
    }
  }

  private static final OpenAiTools TOOLS = new OpenAiTools();

  private final String name;
  private final URI endpoint;
  private final String apiKey;
  private final TokenLimitField tokenLimitField;
  private final HttpTransport transport;

  /**
   * A provider at {@code baseUri} (e.g. {@code https://api.openai.com}) authenticating with {@code
   * apiKey} as a bearer token; {@code name} is how routes and events call it.
   */
  public OpenAiProvider(
      String name,
      URI baseUri,
      String apiKey,
      TokenLimitField tokenLimitField,
      HttpClient http,
      Duration timeout) {
    this.name = Objects.requireNonNull(name, "name");
    this.endpoint = HttpTransport.under(baseUri, "/v1/chat/completions");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.tokenLimitField = Objects.requireNonNull(tokenLimitField, "tokenLimitField");
    this.transport = new HttpTransport(name, http, timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ModelDispatch.Response complete(String modelId, ModelDispatch.Request request) {
    var reply =
        transport.post(
            endpoint,
            Map.of("Authorization", "Bearer " + apiKey, "Content-Type", "application/json"),
            body(modelId, request));
    if (reply.status() != 200) {
      throw error(reply.status(), reply.body());
    }
    return response(modelId, reply.body(), reply.latencyMs());
  }

  /** The request body for {@code modelId}; package-private for the wire-format tests. */
  ObjectNode body(String modelId, ModelDispatch.Request request) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("model", modelId);
    ArrayNode messages = body.putArray("messages");
    if (request.system() != null) {
      messages.addObject().put("role", "system").put("content", request.system());
    }
    for (ModelDispatch.Message m : request.messages()) {
      m.toolResults().forEach(r -> messages.add(TOOLS.encodeResult(r)));
      if (!m.toolCalls().isEmpty()) {
        ObjectNode assistant = messages.addObject().put("role", m.role());
        if (m.content().isEmpty()) {
          assistant.putNull("content");
        } else {
          assistant.put("content", m.content());
        }
        ArrayNode calls = assistant.putArray("tool_calls");
        m.toolCalls().forEach(c -> calls.add(TOOLS.encodeCall(c)));
      } else if (m.toolResults().isEmpty() || !m.content().isEmpty()) {
        messages.addObject().put("role", m.role()).put("content", m.content());
      }
    }
    body.put(tokenLimitField.field, request.maxTokens());
    if (!request.tools().isEmpty()) {
      body.set("tools", TOOLS.encodeSpecs(request.tools()));
    }
    return body;
  }

  private ModelDispatch.Response response(String modelId, JsonNode body, long latencyMs) {
    JsonNode choices = required(body, "choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw new ProviderException(name, 200, "no_choices", Json.write(body), false);
    }
    JsonNode choice = choices.get(0);
    JsonNode message = required(choice, "message");
    List<ToolCall> toolCalls = new ArrayList<>();
    message.path("tool_calls").forEach(c -> toolCalls.add(TOOLS.decodeCall(c)));
    JsonNode content = message.path("content");
    String finishReason = choice.path("finish_reason").asText(null);
    boolean refused = message.hasNonNull("refusal") || "content_filter".equals(finishReason);
    JsonNode usage = required(body, "usage");
    return new ModelDispatch.Response(
        content.isTextual() ? content.asText() : "",
        name,
        body.path("model").asText(modelId),
        required(usage, "prompt_tokens").asLong(),
        required(usage, "completion_tokens").asLong(),
        latencyMs,
        BigDecimal.ZERO,
        refused ? "refused" : "allowed",
        false,
        toolCalls,
        finishReason,
        List.of());
  }

  private ProviderException error(int status, JsonNode body) {
    JsonNode error = body.path("error");
    String type = error.path("code").isTextual() ? error.path("code").asText() : null;
    if (type == null) {
      type = error.path("type").asText("http_" + status);
    }
    String message = error.path("message").asText(Json.write(body));
    return new ProviderException(
        name, status, type, message, HttpTransport.retryableStatus(status));
  }
}
