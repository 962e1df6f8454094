package dev.maestro.core.dispatch;

import dev.maestro.core.json.Json;
import java.util.List;

/**
 * The requests the provider wire-format tests send, shared by core's and the cloud modules' tests
 * so that each provider is asserted on the same conversation.
 */
public final class WireRequests {

  private WireRequests() {}

  /** One user message, {@code Hi}, on the sonnet tier with 64 output tokens. */
  public static ModelDispatch.Request simple() {
    return new ModelDispatch.Request(
        "call-1", "sonnet", List.of(new ModelDispatch.Message("user", "Hi")), 64);
  }

  /**
   * A tool round trip with a system prompt: the user asks, the assistant calls {@code search} for
   * {@code {"q":"X"}} as {@code toolCallId} (saying {@code assistantText} alongside), and the user
   * turn carries the tool's result, {@code resultJson}; {@code search} is offered, 256 output
   * tokens.
   */
  public static ModelDispatch.Request searchRoundTrip(
      String toolCallId, String assistantText, String resultJson, ToolSpec search) {
    return new ModelDispatch.Request(
        "call-1",
        "sonnet",
        "Be brief.",
        List.of(
            new ModelDispatch.Message("user", "What is X?"),
            new ModelDispatch.Message(
                "assistant",
                assistantText,
                List.of(new ToolCall(toolCallId, "search", Json.tree("{\"q\":\"X\"}"))),
                List.of()),
            new ModelDispatch.Message(
                "user",
                "",
                List.of(),
                List.of(new ToolResult(toolCallId, Json.tree(resultJson), false)))),
        256,
        List.of(search));
  }
}
