package dev.maestro.local.runtime;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SubscriptionIndexer;
import dev.maestro.core.substrate.Observability;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded runtime's change data capture, run synchronously after every append: each appended
 * event updates the subscriptions index ({@link SubscriptionIndexer}) and a {@code publish} event
 * is fanned out to its tag's subscribers ({@link PublishFanout}), before the event is reported to
 * the next observer. A sibling's wake is therefore registered before the publisher's tick goes on,
 * with no stream delay. Both steps are idempotent, so the retry of a tick that failed here changes
 * nothing twice. A failure is thrown (the tick is retried) after the next observer has seen the
 * event, which is appended whatever happens here.
 */
final class WakeIndexing implements Observability {

  private final SubscriptionIndexer indexer;
  private final PublishFanout fanout;
  private final Observability next;

  WakeIndexing(SubscriptionIndexer indexer, PublishFanout fanout, Observability next) {
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.fanout = Objects.requireNonNull(fanout, "fanout");
    this.next = Objects.requireNonNull(next, "next");
  }

  @Override
  public void metric(String name, double value, Map<String, String> tags) {
    next.metric(name, value, tags);
  }

  @Override
  public void appended(EventEnvelope event) {
    try {
      indexer.apply(event);
      fanout.apply(event);
    } finally {
      next.appended(event);
    }
  }
}
