package dev.maestro.azure.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.util.Iterator;
import java.util.Set;

/**
 * The payload of a local {@code servicebus-wake} invocation: what the Functions host binds for one
 * Service Bus message, {@code {"body": <message>, "metadata": {"MessageId": "..."}}}. A string body
 * is handed over as is (so a body that is not JSON can be tried); any other JSON value is written
 * out as the message text. {@code metadata} is optional, and of its binding data only {@code
 * MessageId} is read (other keys, such as {@code DeliveryCount}, are accepted and ignored).
 *
 * @param body the message body, as the trigger's {@code String} parameter gets it
 * @param messageId the {@code MessageId} binding data; null when absent
 */
record ServiceBusPayload(String body, String messageId) {

  private static final Set<String> FIELDS = Set.of("body", "metadata");

  /** Reads the payload; an {@link IllegalArgumentException} says why it is not one. */
  static ServiceBusPayload read(JsonNode payload) {
    if (!payload.isObject()) {
      throw new IllegalArgumentException("the payload must be a JSON object");
    }
    for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + name
                + "' (the message goes in \"body\", binding data in \"metadata\")");
      }
    }
    JsonNode body = payload.get("body");
    if (body == null || body.isNull()) {
      throw new IllegalArgumentException("\"body\" is required: the message");
    }
    String messageId = null;
    JsonNode metadata = payload.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      if (!metadata.isObject()) {
        throw new IllegalArgumentException("\"metadata\" must be a JSON object");
      }
      JsonNode id = metadata.get("MessageId");
      if (id != null && !id.isNull()) {
        if (!id.isTextual()) {
          throw new IllegalArgumentException("\"metadata\".\"MessageId\" must be a string");
        }
        messageId = id.asText();
      }
    }
    return new ServiceBusPayload(body.isTextual() ? body.asText() : Json.write(body), messageId);
  }
}
