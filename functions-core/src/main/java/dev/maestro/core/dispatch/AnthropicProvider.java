package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.required;
import static dev.maestro.core.dispatch.WireJson.text;

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
 * The Anthropic Messages API ({@code POST {base}/v1/messages}, version {@code 2023-06-01}) over
 * {@code java.net.http}, non-streaming. System turns become the top-level {@code system} field;
 * tools, tool calls and tool results use {@link AnthropicTools}. Errors arrive as {@code
 * {"type":"error","error":{"type","message"}}}; 429, 529 and other 5xx are retryable.
 */
public final class AnthropicProvider implements ModelProvider {

  /** The API version this mapping follows, sent as {@code anthropic-version}. */
  public static final String API_VERSION = "2023-06-01";

  private static final AnthropicTools TOOLS = new AnthropicTools();

  private final String name;
  private final URI endpoint;
  private final String apiKey;
  private final HttpTransport transport;

  /**
   * A provider at {@code baseUri} (e.g. {@code https://api.anthropic.com}) authenticating with
   * {@code apiKey}; {@code name} is how routes and events call it.
   */
  public AnthropicProvider(
      String name, URI baseUri, String apiKey, HttpClient http, Duration timeout) {
    this.name = Objects.requireNonNull(name, "name");
    this.endpoint = HttpTransport.under(baseUri, "/v1/messages");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
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
            Map.of(
                "x-api-key", apiKey,
                "anthropic-version", API_VERSION,
                "content-type", "application/json"),
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
    body.put("max_tokens", request.maxTokens());
    List<String> system = new ArrayList<>();
    if (request.system() != null) {
      system.add(request.system());
    }
    ArrayNode messages = Json.mapper().createArrayNode();
    for (ModelDispatch.Message m : request.messages()) {
      if (m.role().equals("system")) {
        system.add(m.content());
        continue;
      }
      messages.add(message(m));
    }
    if (!system.isEmpty()) {
      body.put("system", String.join("\n\n", system));
    }
    body.set("messages", messages);
    if (!request.tools().isEmpty()) {
      body.set("tools", TOOLS.encodeSpecs(request.tools()));
    }
    return body;
  }

  private static ObjectNode message(ModelDispatch.Message m) {
    ObjectNode message = Json.mapper().createObjectNode().put("role", m.role());
    if (m.toolCalls().isEmpty() && m.toolResults().isEmpty()) {
      message.put("content", m.content());
      return message;
    }
    ArrayNode blocks = message.putArray("content");
    m.toolResults().forEach(r -> blocks.add(TOOLS.encodeResult(r)));
    if (!m.content().isEmpty()) {
      blocks.addObject().put("type", "text").put("text", m.content());
    }
    m.toolCalls().forEach(c -> blocks.add(TOOLS.encodeCall(c)));
    return message;
  }

  private ModelDispatch.Response response(String modelId, JsonNode body, long latencyMs) {
    StringBuilder text = new StringBuilder();
    List<ToolCall> toolCalls = new ArrayList<>();
    for (JsonNode block : required(body, "content")) {
      switch (text(block, "type")) {
        case "text" -> text.append(text(block, "text"));
        case "tool_use" -> toolCalls.add(TOOLS.decodeCall(block));
        default -> {
          // thinking and server-tool blocks carry nothing this port returns
        }
      }
    }
    JsonNode usage = required(body, "usage");
    String stopReason = body.path("stop_reason").asText(null);
    return new ModelDispatch.Response(
        text.toString(),
        name,
        body.path("model").asText(modelId),
        required(usage, "input_tokens").asLong(),
        required(usage, "output_tokens").asLong(),
        latencyMs,
        BigDecimal.ZERO,
        "refusal".equals(stopReason) ? "refused" : "allowed",
        false,
        toolCalls,
        stopReason,
        List.of());
  }

  private ProviderException error(int status, JsonNode body) {
    JsonNode error = body.path("error");
    String type = error.path("type").asText("http_" + status);
    String message = error.path("message").asText(Json.write(body));
    return new ProviderException(
        name, status, type, message, HttpTransport.retryableStatus(status));
  }
}
