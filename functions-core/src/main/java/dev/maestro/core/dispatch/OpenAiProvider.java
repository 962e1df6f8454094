package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
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
    body.set("messages", OpenAiChat.messages(request));
    body.put(tokenLimitField.field, request.maxTokens());
    if (!request.tools().isEmpty()) {
      body.set("tools", OpenAiChat.tools(request));
    }
    return body;
  }

  private ModelDispatch.Response response(String modelId, JsonNode body, long latencyMs) {
    JsonNode choices = required(body, "choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw new ProviderException(name, 200, "no_choices", Json.write(body), false);
    }
    JsonNode choice = choices.get(0);
    required(choice, "message");
    JsonNode usage = required(body, "usage");
    required(usage, "prompt_tokens");
    required(usage, "completion_tokens");
    return OpenAiChat.response(name, modelId, body, choice, usage, latencyMs);
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
