package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.optionalText;
import static dev.maestro.core.dispatch.WireJson.parse;
import static dev.maestro.core.dispatch.WireJson.required;
import static dev.maestro.core.dispatch.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;

/**
 * The tool ABI in the OpenAI Chat Completions shapes, which Azure AI Foundry's {@code
 * /openai/v1/chat/completions} shares: {@code tools[]{type: function, function{name, description,
 * parameters}}}, {@code tool_calls[]{id, type, function{name, arguments}}} with the arguments as a
 * JSON string, and a {@code role: tool} message per result.
 *
 * <p>The {@code tool} message has no error flag, so this adapter carries one in its content parts:
 * a text result is the plain string content; a structured result is one text part holding the JSON;
 * a failed result is two text parts, {@code "error"} and then the JSON. The model reads the failure
 * as text; decoding gets the flag back.
 */
public final class OpenAiTools implements ToolAdapter {

  static final String ERROR_MARKER = "error";

  @Override
  public JsonNode encodeSpec(ToolSpec spec) {
    ObjectNode tool = Json.mapper().createObjectNode().put("type", "function");
    ObjectNode function = tool.putObject("function").put("name", spec.name());
    if (spec.description() != null) {
      function.put("description", spec.description());
    }
    function.set("parameters", spec.inputSchema());
    return tool;
  }

  @Override
  public ToolSpec decodeSpec(JsonNode wire) {
    expectFunction(wire);
    JsonNode function = required(wire, "function");
    return new ToolSpec(
        text(function, "name"),
        optionalText(function, "description"),
        required(function, "parameters"));
  }

  @Override
  public JsonNode encodeCall(ToolCall call) {
    ObjectNode wire = Json.mapper().createObjectNode().put("id", call.id()).put("type", "function");
    wire.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
    return wire;
  }

  @Override
  public ToolCall decodeCall(JsonNode wire) {
    expectFunction(wire);
    JsonNode function = required(wire, "function");
    return new ToolCall(
        text(wire, "id"), text(function, "name"), parse(text(function, "arguments")));
  }

  @Override
  public JsonNode encodeResult(ToolResult result) {
    ObjectNode message = Json.mapper().createObjectNode().put("role", "tool");
    message.put("tool_call_id", result.callId());
    if (result.isError()) {
      ArrayNode parts = message.putArray("content");
      parts.addObject().put("type", "text").put("text", ERROR_MARKER);
      parts.addObject().put("type", "text").put("text", Json.write(result.content()));
    } else if (result.content().isTextual()) {
      message.put("content", result.content().asText());
    } else {
      message
          .putArray("content")
          .addObject()
          .put("type", "text")
          .put("text", Json.write(result.content()));
    }
    return message;
  }

  @Override
  public ToolResult decodeResult(JsonNode wire) {
    if (!"tool".equals(text(wire, "role"))) {
      throw new IllegalArgumentException("expected a tool message: " + wire);
    }
    String callId = text(wire, "tool_call_id");
    JsonNode content = required(wire, "content");
    if (content.isTextual()) {
      return new ToolResult(callId, content, false);
    }
    if (content.isArray() && content.size() == 1) {
      return new ToolResult(callId, parse(text(content.get(0), "text")), false);
    }
    if (content.isArray()
        && content.size() == 2
        && ERROR_MARKER.equals(text(content.get(0), "text"))) {
      return new ToolResult(callId, parse(text(content.get(1), "text")), true);
    }
    throw new IllegalArgumentException(
        "tool message content is not in this adapter's form: " + wire);
  }

  private static void expectFunction(JsonNode wire) {
    if (!"function".equals(text(wire, "type"))) {
      throw new IllegalArgumentException("expected a function tool: " + wire);
    }
  }
}
