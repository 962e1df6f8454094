package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.maestro.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the internal tool ABI to one provider's JSON shapes and back. Every implementation is
 * lossless: decoding what it encoded gives back an equal {@link ToolSpec}, {@link ToolCall} or
 * {@link ToolResult}, which the tool ABI conformance test checks for every adapter.
 */
public interface ToolAdapter {

  /** The provider's shape of one tool definition. */
  JsonNode encodeSpec(ToolSpec spec);

  /** Reads a tool definition in the provider's shape. */
  ToolSpec decodeSpec(JsonNode wire);

  /** The provider's shape of one tool call made by the model. */
  JsonNode encodeCall(ToolCall call);

  /** Reads a tool call in the provider's shape. */
  ToolCall decodeCall(JsonNode wire);

  /** The provider's shape of one tool result sent back to the model. */
  JsonNode encodeResult(ToolResult result);

  /** Reads a tool result in the provider's shape. */
  ToolResult decodeResult(JsonNode wire);

  /** The provider's list of tool definitions, in order. */
  default ArrayNode encodeSpecs(List<ToolSpec> specs) {
    ArrayNode tools = Json.mapper().createArrayNode();
    specs.forEach(s -> tools.add(encodeSpec(s)));
    return tools;
  }

  /** Reads a list of tool definitions in the provider's shape. */
  default List<ToolSpec> decodeSpecs(JsonNode wire) {
    List<ToolSpec> specs = new ArrayList<>();
    wire.forEach(n -> specs.add(decodeSpec(n)));
    return List.copyOf(specs);
  }
}
