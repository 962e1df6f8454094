package dev.maestro.core.stream;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.WakeCondition;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps {@link Subscriptions} in step with the event log, one appended event at a time: a {@code
 * sleep} (or a {@code spawn}'s first wake) subscribes the continuation to every stream topic and
 * every publish tag (under {@link PublishFanout#indexKey}) its wake condition names, replacing what
 * it waited on before; a {@code complete}, a {@code kill} or a fatal {@code error} unsubscribes it.
 * Applying an event twice, or an older one after a newer, changes nothing.
 *
 * <p>A {@code wake} leaves the subscription in place until the tick's closing {@code sleep}
 * replaces it: a message that arrives while the continuation is mid-tick is still delivered, finds
 * the lease held and is retried after the tick, when it wakes the continuation again if the new
 * condition still matches it (and is ignored if not). So a burst of messages or sibling publishes
 * is not lost to a subscriber busy with the first one.
 *
 * <p>Consequence: the index lags the log by the CDC delay, so a message published to a topic before
 * the index has seen the sleep that subscribes to it is not delivered to that continuation by
 * fan-out (a message addressed by {@code continuation_id} is unaffected). The index may
 * over-deliver around a wake; the tick path re-checks every wake against the current condition.
 */
public final class SubscriptionIndexer {

  private final Subscriptions subscriptions;

  public SubscriptionIndexer(Subscriptions subscriptions) {
    this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
  }

  /** Applies one appended event to the index; events that do not change it are ignored. */
  public void apply(EventEnvelope event) {
    var ref = new ContinuationRef(event.tenant(), event.continuationId());
    switch (event.payload()) {
      case EventPayload.Slept slept -> resubscribe(ref, slept.until(), event.sequence());
      case EventPayload.Spawn spawn -> resubscribe(ref, spawn.firstWake(), event.sequence());
      case EventPayload.Completed completed -> subscriptions.unsubscribe(ref, event.sequence());
      case EventPayload.Killed killed -> subscriptions.unsubscribe(ref, event.sequence());
      case EventPayload.Failed failed -> {
        if (failed.fatal()) subscriptions.unsubscribe(ref, event.sequence());
      }
      default -> {}
    }
  }

  private void resubscribe(ContinuationRef ref, WakeCondition condition, long sequence) {
    Set<String> keys = keys(condition);
    if (keys.isEmpty()) {
      subscriptions.unsubscribe(ref, sequence);
    } else {
      subscriptions.subscribe(ref, keys, sequence);
    }
  }

  /**
   * The index keys a condition subscribes to, in sorted order: its stream topics, and the {@link
   * PublishFanout#indexKey key} of each publish tag.
   */
  public static Set<String> keys(WakeCondition condition) {
    var keys = new TreeSet<String>(topics(condition));
    collectTags(condition, keys);
    return keys;
  }

  /** The stream topics a condition waits on, in sorted order. */
  public static Set<String> topics(WakeCondition condition) {
    var topics = new TreeSet<String>();
    collect(condition, topics);
    return topics;
  }

  private static void collect(WakeCondition condition, Set<String> into) {
    switch (condition) {
      // A topic in the publish namespace can never carry a stream message: nothing to index.
      case WakeCondition.Stream stream -> {
        if (!stream.topic().startsWith(PublishFanout.TAG_PREFIX)) into.add(stream.topic());
      }
      case WakeCondition.AnyOf anyOf -> anyOf.anyOf().forEach(c -> collect(c, into));
      default -> {}
    }
  }

  private static void collectTags(WakeCondition condition, Set<String> into) {
    switch (condition) {
      case WakeCondition.Publish publish -> into.add(PublishFanout.indexKey(publish.tag()));
      case WakeCondition.AnyOf anyOf -> anyOf.anyOf().forEach(c -> collectTags(c, into));
      default -> {}
    }
  }
}
