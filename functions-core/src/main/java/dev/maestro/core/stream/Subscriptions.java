package dev.maestro.core.stream;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.ContinuationRef;
import java.util.List;
import java.util.Set;

/**
 * The index of which continuations wait on which topics, kept from the event log (a {@code sleep}
 * subscribes, the next {@code wake} or a terminal event unsubscribes). Publish tags are indexed
 * beside stream topics under {@link PublishFanout#indexKey(String)}, a key no stream topic can
 * take. It may lag the log and may over-deliver: the tick path re-checks each wake against the
 * continuation's current condition.
 */
public interface Subscriptions {

  /** The continuations of {@code tenant} subscribed to {@code topic}, in id order. */
  List<ContinuationId> subscribers(TenantId tenant, String topic);

  /**
   * Records that {@code ref} waits on exactly {@code topics} as of its event {@code sequence},
   * replacing any older subscription of it. A sequence at or below the last one applied is ignored,
   * so replaying an event changes nothing.
   */
  void subscribe(ContinuationRef ref, Set<String> topics, long sequence);

  /**
   * Removes every subscription of {@code ref} as of its event {@code sequence}; ignored when a
   * sequence at or above it was already applied.
   */
  void unsubscribe(ContinuationRef ref, long sequence);
}
