package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat-completions shapes shared by every provider that speaks them (OpenAI, and Azure AI
 * Foundry / Azure OpenAI in the Azure adapter): the {@code messages} array a request carries and
 * the {@link ModelDispatch.Response} an answer's first choice becomes. Endpoints, authentication
 * and error mapping stay with each provider.
 */
public final class OpenAiChat {

  private static final OpenAiTools TOOLS = new OpenAiTools();

  private OpenAiChat() {}

  /**
   * The {@code messages} array for {@code request}: the system prompt first, tool results as {@code
   * tool} messages, assistant turns with their {@code tool_calls}.
   */
  public static ArrayNode messages(ModelDispatch.Request request) {
    ArrayNode messages = Json.mapper().createArrayNode();
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
    return messages;
  }

  /** The {@code tools} array for {@code request}'s tools. */
  public static ArrayNode tools(ModelDispatch.Request request) {
    return TOOLS.encodeSpecs(request.tools());
  }

  /**
   * The response {@code provider} answered for {@code modelId}: text and tool calls from {@code
   * choice}'s {@code message}, tokens from {@code usage}, refused when the model refused or a
   * content filter stopped it. The caller has checked that {@code message} is an object and that
   * {@code usage} has integral {@code prompt_tokens} and {@code completion_tokens}.
   *
   * @throws IllegalArgumentException when a tool call is not in the documented shape
   */
  public static ModelDispatch.Response response(
      String provider,
      String modelId,
      JsonNode body,
      JsonNode choice,
      JsonNode usage,
      long latencyMs) {
    JsonNode message = choice.path("message");
    List<ToolCall> toolCalls = new ArrayList<>();
    message.path("tool_calls").forEach(c -> toolCalls.add(TOOLS.decodeCall(c)));
    JsonNode content = message.path("content");
    String finishReason = choice.path("finish_reason").asText(null);
    boolean refused = message.hasNonNull("refusal") || "content_filter".equals(finishReason);
    return new ModelDispatch.Response(
        content.isTextual() ? content.asText() : "",
        provider,
        body.path("model").asText(modelId),
        usage.path("prompt_tokens").asLong(),
        usage.path("completion_tokens").asLong(),
        latencyMs,
        BigDecimal.ZERO,
        refused ? "refused" : "allowed",
        false,
        toolCalls,
        finishReason,
        List.of());
  }
}
