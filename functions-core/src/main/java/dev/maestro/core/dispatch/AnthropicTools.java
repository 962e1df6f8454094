package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.optionalText;
import static dev.maestro.core.dispatch.WireJson.parse;
import static dev.maestro.core.dispatch.WireJson.required;
import static dev.maestro.core.dispatch.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;

/**
 * The tool ABI in the Anthropic Messages shapes: {@code tools[]{name, description, input_schema}},
 * {@code tool_use} and {@code tool_result} content blocks. Text results travel as the block's
 * string content; structured results as one text block holding the JSON, so the two stay
 * distinguishable on the way back.
 */
public final class AnthropicTools implements ToolAdapter {

  @Override
  public JsonNode encodeSpec(ToolSpec spec) {
    ObjectNode tool = Json.mapper().createObjectNode().put("name", spec.name());
    if (spec.description() != null) {
      tool.put("description", spec.description());
    }
    tool.set("input_schema", spec.inputSchema());
    return tool;
  }

  @Override
  public ToolSpec decodeSpec(JsonNode wire) {
    return new ToolSpec(
        text(wire, "name"), optionalText(wire, "description"), required(wire, "input_schema"));
  }

  @Override
  public JsonNode encodeCall(ToolCall call) {
    ObjectNode block = Json.mapper().createObjectNode().put("type", "tool_use");
    block.put("id", call.id()).put("name", call.name()).set("input", call.input());
    return block;
  }

  @Override
  public ToolCall decodeCall(JsonNode wire) {
    expectType(wire, "tool_use");
    return new ToolCall(text(wire, "id"), text(wire, "name"), required(wire, "input"));
  }

  @Override
  public JsonNode encodeResult(ToolResult result) {
    ObjectNode block = Json.mapper().createObjectNode().put("type", "tool_result");
    block.put("tool_use_id", result.callId());
    if (result.content().isTextual()) {
      block.put("content", result.content().asText());
    } else {
      block
          .putArray("content")
          .addObject()
          .put("type", "text")
          .put("text", Json.write(result.content()));
    }
    if (result.isError()) {
      block.put("is_error", true);
    }
    return block;
  }

  @Override
  public ToolResult decodeResult(JsonNode wire) {
    expectType(wire, "tool_result");
    JsonNode content = required(wire, "content");
    JsonNode decoded;
    if (content.isTextual()) {
      decoded = content;
    } else if (content.isArray() && content.size() == 1) {
      decoded = parse(text(content.get(0), "text"));
    } else {
      throw new IllegalArgumentException("tool_result content is not one text block: " + wire);
    }
    return new ToolResult(
        text(wire, "tool_use_id"), decoded, wire.path("is_error").asBoolean(false));
  }

  private static void expectType(JsonNode wire, String type) {
    if (!type.equals(text(wire, "type"))) {
      throw new IllegalArgumentException("expected a " + type + " block: " + wire);
    }
  }
}
