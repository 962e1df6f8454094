package dev.maestro.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One validated stream message, whatever transport carried it (SQS, Kinesis, EventBridge, Service
 * Bus, Event Grid). A message addressed to a continuation wakes only that one; otherwise it fans
 * out to the topic's subscribers.
 *
 * @param tenant the tenant whose continuations it may wake
 * @param topic the topic; the wake's channel
 * @param messageId the sender's id (or the transport's), the deduplication key within the topic
 * @param body the message body; the wake's payload
 * @param continuationId the one continuation it is addressed to, if any
 */
public record StreamMessage(
    TenantId tenant,
    String topic,
    String messageId,
    JsonNode body,
    Optional<ContinuationId> continuationId) {

  /** Prefix of every stream wake id, keeping them apart from timer and signal wake ids. */
  public static final String WAKE_PREFIX = "stream-";

  public StreamMessage {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(continuationId, "continuationId");
  }

  /**
   * The wake id of a message: a digest of (topic, message id), so every delivery of the same
   * message names the same wake and the tick path applies it at most once.
   */
  public static String wakeId(String topic, String messageId) {
    return WAKE_PREFIX + Json.canonicalSha256(List.of(topic, messageId)).substring(0, 40);
  }

  /** This message as a {@link WakeKind#STREAM} wake sent at {@code at}. */
  public Wake toWake(Instant at) {
    return new Wake(wakeId(topic, messageId), WakeKind.STREAM, topic, at, body);
  }
}
