package dev.maestro.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * The one parser of stream messages for every transport: a JSON object {@code {"tenant", "topic",
 * "message_id", "body", "continuation_id"?}}. A topic may not start with {@value
 * PublishFanout#TAG_PREFIX} (the subscription index keeps publish tags there). Every defect is
 * reported as an {@link InvalidStreamMessageException} naming the field, never as a transport
 * failure.
 */
public final class StreamMessages {

  /** The longest topic or message id accepted (both end up in storage keys). */
  static final int MAX_NAME = 512;

  private static final Set<String> FIELDS =
      Set.of("tenant", "topic", "message_id", "body", "continuation_id");

  private StreamMessages() {}

  /**
   * Parses a message from raw JSON text.
   *
   * @param defaultMessageId the transport's record id, used when the message has no {@code
   *     message_id}; may be null when the transport has none
   * @throws InvalidStreamMessageException if the text is not a valid message
   */
  public static StreamMessage parse(String text, String defaultMessageId) {
    if (text == null || text.isBlank()) {
      throw new InvalidStreamMessageException("", "the record is empty");
    }
    JsonNode node;
    try {
      node = Json.tree(text);
    } catch (UncheckedIOException e) {
      throw new InvalidStreamMessageException("", "the record is not JSON");
    }
    return parse(node, defaultMessageId);
  }

  /**
   * Parses a message from a JSON tree (an EventBridge {@code detail}, an Event Grid {@code data}).
   *
   * @throws InvalidStreamMessageException if the tree is not a valid message
   */
  public static StreamMessage parse(JsonNode node, String defaultMessageId) {
    if (node == null || !node.isObject()) {
      throw new InvalidStreamMessageException("", "the message must be a JSON object");
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidStreamMessageException("/" + name, "unknown field");
      }
    }
    String tenant = requiredText(node, "tenant");
    if (!TenantId.isValid(tenant)) {
      throw new InvalidStreamMessageException("/tenant", "not a valid tenant id");
    }
    String topic = requiredText(node, "topic");
    if (topic.startsWith(PublishFanout.TAG_PREFIX)) {
      throw new InvalidStreamMessageException(
          "/topic", "the prefix " + PublishFanout.TAG_PREFIX + " is reserved for publish tags");
    }
    String messageId = optionalText(node, "message_id");
    if (messageId == null) messageId = defaultMessageId;
    if (messageId == null || messageId.isEmpty()) {
      throw new InvalidStreamMessageException("/message_id", "required");
    }
    if (messageId.length() > MAX_NAME) {
      throw new InvalidStreamMessageException("/message_id", "longer than " + MAX_NAME);
    }
    JsonNode body = node.get("body");
    if (body == null || body.isNull()) {
      throw new InvalidStreamMessageException("/body", "required");
    }
    if (!body.isObject()) {
      throw new InvalidStreamMessageException("/body", "must be a JSON object");
    }
    String target = optionalText(node, "continuation_id");
    if (target != null && !ContinuationId.isValid(target)) {
      throw new InvalidStreamMessageException("/continuation_id", "not a continuation id");
    }
    return new StreamMessage(
        TenantId.of(tenant),
        topic,
        messageId,
        body,
        Optional.ofNullable(target).map(ContinuationId::of));
  }

  private static String requiredText(JsonNode node, String field) {
    String value = optionalText(node, field);
    if (value == null || value.isEmpty()) {
      throw new InvalidStreamMessageException("/" + field, "required");
    }
    return value;
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return null;
    if (!value.isTextual()) {
      throw new InvalidStreamMessageException("/" + field, "must be a string");
    }
    if (value.asText().length() > MAX_NAME) {
      throw new InvalidStreamMessageException("/" + field, "longer than " + MAX_NAME);
    }
    return value.asText();
  }
}
