package dev.maestro.core.dispatch;

import static dev.maestro.core.dispatch.WireJson.optionalText;
import static dev.maestro.core.dispatch.WireJson.required;
import static dev.maestro.core.dispatch.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.util.List;

/**
 * The tool ABI in the Amazon Bedrock Converse JSON shapes: {@code toolConfig.tools[].toolSpec{name,
 * description, inputSchema{json}}}, {@code toolUse{toolUseId, name, input}} and {@code
 * toolResult{toolUseId, content[{json}|{text}], status}} content blocks. Pure JSON: the Converse
 * call itself lives in the AWS adapter ({@code dev.maestro.aws.bedrock}), which sends these blocks
 * as they are.
 */
public final class BedrockTools implements ToolAdapter {

  @Override
  public JsonNode encodeSpec(ToolSpec spec) {
    ObjectNode tool = Json.mapper().createObjectNode();
    ObjectNode toolSpec = tool.putObject("toolSpec").put("name", spec.name());
    if (spec.description() != null) {
      toolSpec.put("description", spec.description());
    }
    toolSpec.putObject("inputSchema").set("json", spec.inputSchema());
    return tool;
  }

  @Override
  public ToolSpec decodeSpec(JsonNode wire) {
    JsonNode toolSpec = required(wire, "toolSpec");
    return new ToolSpec(
        text(toolSpec, "name"),
        optionalText(toolSpec, "description"),
        required(required(toolSpec, "inputSchema"), "json"));
  }

  /** The Converse {@code toolConfig} object for {@code specs}. */
  public JsonNode toolConfig(List<ToolSpec> specs) {
    ObjectNode config = Json.mapper().createObjectNode();
    config.set("tools", encodeSpecs(specs));
    return config;
  }

  @Override
  public JsonNode encodeCall(ToolCall call) {
    ObjectNode block = Json.mapper().createObjectNode();
    block
        .putObject("toolUse")
        .put("toolUseId", call.id())
        .put("name", call.name())
        .set("input", call.input());
    return block;
  }

  @Override
  public ToolCall decodeCall(JsonNode wire) {
    JsonNode toolUse = required(wire, "toolUse");
    return new ToolCall(
        text(toolUse, "toolUseId"), text(toolUse, "name"), required(toolUse, "input"));
  }

  @Override
  public JsonNode encodeResult(ToolResult result) {
    ObjectNode block = Json.mapper().createObjectNode();
    ObjectNode toolResult = block.putObject("toolResult").put("toolUseId", result.callId());
    ObjectNode part = toolResult.putArray("content").addObject();
    if (result.content().isTextual()) {
      part.put("text", result.content().asText());
    } else {
      part.set("json", result.content());
    }
    toolResult.put("status", result.isError() ? "error" : "success");
    return block;
  }

  @Override
  public ToolResult decodeResult(JsonNode wire) {
    JsonNode toolResult = required(wire, "toolResult");
    JsonNode content = required(toolResult, "content");
    if (!content.isArray() || content.size() != 1) {
      throw new IllegalArgumentException("toolResult content is not one block: " + wire);
    }
    JsonNode part = content.get(0);
    JsonNode decoded = part.has("text") ? part.get("text") : part.get("json");
    if (decoded == null) {
      throw new IllegalArgumentException(
          "toolResult content block is neither text nor json: " + wire);
    }
    String status = toolResult.path("status").asText("success");
    return new ToolResult(text(toolResult, "toolUseId"), decoded, "error".equals(status));
  }
}
