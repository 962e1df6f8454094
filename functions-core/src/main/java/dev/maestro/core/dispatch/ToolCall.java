package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A model's request to run a tool: the provider's call id (echoed back on the {@link ToolResult}),
 * the tool's name and its input as parsed JSON, whatever wire format carried it.
 */
public record ToolCall(String id, String name, JsonNode input) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(input, "input");
  }
}
