package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool a model may call, in the one internal shape every provider adapter maps from: a name, an
 * optional description and a JSON Schema for its input.
 */
public record ToolSpec(String name, String description, JsonNode inputSchema) {
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inputSchema, "inputSchema");
  }
}
