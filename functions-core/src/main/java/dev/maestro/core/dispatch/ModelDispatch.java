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

  /** A chat turn. */
  record Message(String role, String content) {
    public Message {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
    }
  }

  /** What to ask: tier, messages and an output cap. {@code callId} makes retries idempotent. */
  record Request(String callId, String tier, List<Message> messages, int maxTokens) {
    public Request {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(tier, "tier");
      messages = List.copyOf(messages);
    }
  }

  /** The answer and its metering. */
  record Response(
      String text,
      String provider,
      String modelId,
      long tokensIn,
      long tokensOut,
      long latencyMs,
      BigDecimal usd,
      String safetyOutcome,
      boolean local) {}

  Response call(Request request);
}
