package dev.maestro.core.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeKind;
import java.util.Objects;

/**
 * Sibling publish (BRIEF §11): given an appended {@code publish} event, delivers a {@link
 * WakeKind#PUBLISH} wake to every continuation of the same tenant whose wake condition names the
 * tag (as the {@link SubscriptionIndexer} recorded it under {@link #indexKey}), except the
 * publisher itself. Events of other types are ignored.
 *
 * <p>The wake id is derived from the publisher's id and the event's sequence ({@link #wakeId}), so
 * applying the same event again (a CDC replay, a retried batch) names the same wake and the tick
 * path applies it at most once per subscriber. The wake's payload carries the {@code tag}, the
 * {@code content}, the {@code publisher} id and a W3C {@code traceparent} naming the publish
 * event's trace and span, so a trace can link the subscriber's tick to the publisher's. Like stream
 * fan-out, it reaches only the subscribers the index knows when it runs (ADR-0009); the
 * subscriber's tick re-checks the wake against its current condition.
 */
public final class PublishFanout {

  /**
   * Prefix of the subscription index key of a publish tag. Stream topics may not start with it
   * ({@link StreamMessages} rejects such a topic), so a tag's key never names a stream topic.
   */
  public static final String TAG_PREFIX = "#publish:";

  /** Prefix of every publish wake id, keeping them apart from timer, signal and stream wake ids. */
  public static final String WAKE_PREFIX = "publish-";

  private final Subscriptions subscriptions;
  private final WakeSink sink;

  public PublishFanout(Subscriptions subscriptions, WakeSink sink) {
    this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** The key under which the subscribers of {@code tag} are indexed in {@link Subscriptions}. */
  public static String indexKey(String tag) {
    return TAG_PREFIX + Objects.requireNonNull(tag, "tag");
  }

  /** The wake id of the publish at {@code sequence} of {@code publisher}'s log. */
  public static String wakeId(ContinuationId publisher, long sequence) {
    return WAKE_PREFIX + publisher.value() + "-" + sequence;
  }

  /** The W3C trace context ({@code 00-<trace id>-<span id>-01}) of {@code event}. */
  public static String traceparent(EventEnvelope event) {
    return "00-" + event.traceId() + "-" + event.spanId() + "-01";
  }

  /**
   * The wake a {@code publish} event sends its subscribers.
   *
   * @throws IllegalArgumentException if {@code event} is not a {@code publish} event
   */
  public static Wake wake(EventEnvelope event) {
    if (!(event.payload() instanceof EventPayload.Published published)) {
      throw new IllegalArgumentException("not a publish event: " + event.type().wire());
    }
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("tag", published.tag());
    payload.set("content", published.content());
    payload.put("publisher", event.continuationId().value());
    payload.put("traceparent", traceparent(event));
    return new Wake(
        wakeId(event.continuationId(), event.sequence()),
        WakeKind.PUBLISH,
        published.tag(),
        event.timestamp(),
        payload);
  }

  /**
   * Delivers {@code event}'s wake to every subscriber of its tag but the publisher; returns how
   * many were delivered (0 for an event that is not a publish).
   *
   * @throws RuntimeException if the index or the sink failed; applying the event again is safe
   */
  public int apply(EventEnvelope event) {
    if (!(event.payload() instanceof EventPayload.Published published)) return 0;
    Wake wake = wake(event);
    int delivered = 0;
    for (ContinuationId id : subscriptions.subscribers(event.tenant(), indexKey(published.tag()))) {
      if (id.equals(event.continuationId())) continue;
      sink.deliver(new ContinuationRef(event.tenant(), id), wake);
      delivered++;
    }
    return delivered;
  }
}
