package dev.maestro.core.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.TenantId;
import java.util.Objects;

/**
 * Tenant-scoped topics that wake subscribed continuations (stream events, sibling publishes).
 * Delivery turns matching messages into wakes with the message id as the wake id, so a replayed
 * message never wakes a continuation twice.
 */
public interface StreamBus {

  /** A message on a topic; {@code messageId} is the deduplication key. */
  record Message(TenantId tenant, String topic, String messageId, JsonNode body) {
    public Message {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(body, "body");
    }
  }

  /** Publishes a message; subscribers whose wake condition matches it are woken. */
  void publish(Message message);
}
