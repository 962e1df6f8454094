package dev.maestro.core.dispatch;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Calls a model of a tier through a provider, metered. Implementations speak the provider's real
 * wire format; the caller records the returned metering as {@code model_call} and {@code
 * budget_charge} events.
 */
public interface ModelDispatch {

  /**
   * A chat turn. An assistant turn may carry the tool calls the model made; a user turn may carry
   * the results of those calls. {@code content} may be empty when the turn is only tool traffic.
   */
  record Message(
      String role, String content, List<ToolCall> toolCalls, List<ToolResult> toolResults) {
    public Message {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
      toolResults = toolResults == null ? List.of() : List.copyOf(toolResults);
    }

    /** A plain text turn. */
    public Message(String role, String content) {
      this(role, content, List.of(), List.of());
    }
  }

  /**
   * What to ask: tier, an optional system prompt, messages, an output cap and the tools the model
   * may call. {@code callId} makes retries idempotent.
   */
  record Request(
      String callId,
      String tier,
      String system,
      List<Message> messages,
      int maxTokens,
      List<ToolSpec> tools) {
    public Request {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(tier, "tier");
      messages = List.copyOf(messages);
      tools = tools == null ? List.of() : List.copyOf(tools);
      if (maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
      }
    }

    /** A request with no system prompt and no tools. */
    public Request(String callId, String tier, List<Message> messages, int maxTokens) {
      this(callId, tier, null, messages, maxTokens, List.of());
    }
  }

  /**
   * The answer and its metering. {@code usd} is {@link BigDecimal#ZERO} from the providers: the
   * metering step prices the tokens from the versioned price table. {@code stopReason} is the
   * provider's own word for why the model stopped. {@code failover} lists, as {@code
   * provider:reason}, every provider that was skipped or failed before {@code provider} answered.
   */
  record Response(
      String text,
      String provider,
      String modelId,
      long tokensIn,
      long tokensOut,
      long latencyMs,
      BigDecimal usd,
      String safetyOutcome,
      boolean local,
      List<ToolCall> toolCalls,
      String stopReason,
      List<String> failover) {
    public Response {
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
      failover = failover == null ? List.of() : List.copyOf(failover);
    }

    /** A text answer with no tool calls, no stop reason and no failover. */
    public Response(
        String text,
        String provider,
        String modelId,
        long tokensIn,
        long tokensOut,
        long latencyMs,
        BigDecimal usd,
        String safetyOutcome,
        boolean local) {
      this(
          text,
          provider,
          modelId,
          tokensIn,
          tokensOut,
          latencyMs,
          usd,
          safetyOutcome,
          local,
          List.of(),
          null,
          List.of());
    }

    /** This response with {@code failover} recorded. */
    public Response withFailover(List<String> failover) {
      return new Response(
          text,
          provider,
          modelId,
          tokensIn,
          tokensOut,
          latencyMs,
          usd,
          safetyOutcome,
          local,
          toolCalls,
          stopReason,
          failover);
    }
  }

  Response call(Request request);
}
