package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a tool returned for the call {@code callId}: text (a JSON string) or structured JSON, and
 * whether the tool failed, so the model can see the failure rather than a made-up answer.
 */
public record ToolResult(String callId, JsonNode content, boolean isError) {
  public ToolResult {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(content, "content");
  }
}
